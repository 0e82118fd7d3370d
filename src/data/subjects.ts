// Who is in each frame. Training and cross-validation need it (a person's frames must never be
// both trained on and scored), and it comes from the manifest's subject column, else the file
// name's prefix (naming.ts), else a `--subjects-from` file: a CSV of `file,subject` rows.
import { promises as fs } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { DatasetEntry, DatasetIndex } from './entries';
import { UNKNOWN_SUBJECT } from './naming';

/** What a user can do when the frames name no person. */
export const SUBJECT_HELP =
  'name each file <person>_<anything>.jpg (the prefix before the first _ or - is the person), give the ' +
  'folder a manifest.csv with a subject column, or pass --subjects-from <file.csv> with file,subject rows';

/** file (relative to the dataset folder, with '/') -> subject, from a CSV with `file` and `subject` columns. */
export async function readSubjects(csv: string): Promise<Map<string, string>> {
  const text = await fs.readFile(csv, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`${csv}: cannot read (${err.code})`);
  });
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (err) {
    throw new Error(`${csv}: not a valid CSV (${(err as Error).message})`);
  }
  const subjects = new Map<string, string>();
  for (const [i, r] of records.entries()) {
    const line = i + 2;
    if (r.file === undefined || r.subject === undefined)
      throw new Error(`${csv}: line ${line}: needs the columns file and subject`);
    if (!/^[A-Za-z0-9.]+$/.test(r.subject))
      throw new Error(`${csv}: line ${line}: subject "${r.subject}" must be letters, digits or '.'`);
    const file = r.file.replace(/\\/g, '/').replace(/^\.\//, '');
    if (subjects.has(file)) throw new Error(`${csv}: line ${line}: ${file} is listed twice`);
    subjects.set(file, r.subject);
  }
  return subjects;
}

/** The index with every entry's subject from `subjects`; each file must be listed, and each row must name a file. */
export function withSubjects(index: DatasetIndex, subjects: Map<string, string>, csv: string): DatasetIndex {
  const files = new Set(index.entries.map((e) => e.file));
  const stray = [...subjects.keys()].filter((f) => !files.has(f));
  if (stray.length > 0)
    throw new Error(
      `${csv}: ${stray[0]} is not an image of ${index.dir}${stray.length > 1 ? ` (and ${stray.length - 1} more)` : ''}`,
    );
  const missing = index.entries.filter((e) => !subjects.has(e.file));
  if (missing.length > 0) {
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : '';
    throw new Error(`${csv}: names no subject for ${missing[0].file}${more}`);
  }
  const entries = index.entries.map((e): DatasetEntry => ({ ...e, subject: subjects.get(e.file) ?? e.subject }));
  return { ...index, entries };
}

/** The people of an index, sorted; throws with SUBJECT_HELP when any frame names none. */
export function peopleOf(index: DatasetIndex): string[] {
  const unknown = index.entries.filter((e) => e.subject === UNKNOWN_SUBJECT);
  if (unknown.length > 0) {
    throw new Error(
      `${index.dir}: ${unknown.length} of ${index.entries.length} frames name no person (e.g. ${unknown[0].file}); ` +
        `training and cross-validation keep each person's frames together, so: ${SUBJECT_HELP}`,
    );
  }
  return [...new Set(index.entries.map((e) => e.subject))].sort();
}
