// data/<name>/manifest.csv: one row per image, the provenance every later step relies on
// (subject for splitting, source for augmentation, sha256 for caches).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from '../util/fs';
import { sha256FileSync } from '../util/hash';

export const MANIFEST_COLUMNS = ['file', 'label', 'subject', 'clip', 'frame', 'source', 'sha256'] as const;

export interface ManifestRow {
  /** Relative to the dataset folder, e.g. punch/s01_c02_00017.jpg. */
  file: string;
  label: string;
  subject: string;
  clip: string;
  /** Frame number in the clip, or -1 where unknown. */
  frame: number;
  /** Where the image came from: a video, or the original image of an augmented variant. */
  source: string;
  sha256: string;
}

export function manifestPath(datasetDir: string): string {
  return path.join(datasetDir, 'manifest.csv');
}

export async function readManifest(datasetDir: string): Promise<ManifestRow[]> {
  const file = manifestPath(datasetDir);
  const text = await fs.readFile(file, 'utf8');
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (err) {
    throw new Error(`${file}: not a valid CSV (${(err as Error).message})`);
  }
  return records.map((r, i) => {
    for (const col of MANIFEST_COLUMNS) {
      if (r[col] === undefined) throw new Error(`${file}: line ${i + 2}: missing column "${col}"`);
    }
    const frame = Number(r.frame);
    if (!Number.isInteger(frame)) throw new Error(`${file}: line ${i + 2}: frame "${r.frame}" is not an integer`);
    return {
      file: r.file,
      label: r.label,
      subject: r.subject,
      clip: r.clip,
      frame,
      source: r.source,
      sha256: r.sha256,
    };
  });
}

export async function writeManifest(datasetDir: string, rows: ManifestRow[]): Promise<void> {
  const text = stringify(rows, { header: true, columns: [...MANIFEST_COLUMNS] });
  await writeFileAtomic(manifestPath(datasetDir), text);
}

/** A row whose sha256 was replaced by its file's: its manifest line and the value it had. */
export interface RehashedRow {
  file: string;
  line: number;
  was: string;
  now: string;
}

/**
 * The repair for rows whose sha256 no longer matches (or is missing from) their file: each takes
 * the hash of its file as it is now. Rows of missing files are left alone (the indexer reports them).
 */
export async function rehashManifest(datasetDir: string): Promise<RehashedRow[]> {
  const rows = await readManifest(datasetDir);
  const changed: RehashedRow[] = [];
  const next = rows.map((row, i) => {
    const now = sha256FileSync(path.join(datasetDir, row.file));
    if (now === undefined || now === row.sha256) return row;
    changed.push({ file: row.file, line: i + 2, was: row.sha256, now });
    return { ...row, sha256: now };
  });
  if (changed.length > 0) await writeManifest(datasetDir, next);
  return changed;
}
