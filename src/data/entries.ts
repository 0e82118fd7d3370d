// Indexing a dataset folder: one typed entry per image, from manifest.csv where there is one,
// else from the class folders and file names. Problems found on the way are collected, not thrown,
// so `kombat dataset validate` can list them all at once.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { mapLimit } from '../pool/limit';
import { sha256File } from '../util/hash';
import { CLASSES, type ClassName, IMAGE_EXTENSIONS } from './layout';
import { manifestPath, readManifest } from './manifest';
import { parseImageName } from './naming';
import type { Task } from './tasks';

export interface DatasetEntry {
  /** Relative to the dataset folder, with '/': e.g. punch/s01_c02_00017.jpg. */
  file: string;
  label: ClassName;
  subject: string;
  clip: string;
  /** Frame number in the clip, or -1. */
  frame: number;
  /** The video (or original image) this one came from; the file itself where unknown. */
  source: string;
  sha256: string;
  /** false for an image on disk that the manifest does not list (its fields come from its name). */
  tracked: boolean;
}

export interface DatasetIssue {
  severity: 'error' | 'warning';
  /** File (relative to the dataset folder) or folder the issue is about. */
  file: string;
  /** Line of manifest.csv, where the issue comes from a manifest row. */
  line?: number;
  message: string;
}

export interface DatasetIndex {
  dir: string;
  name: string;
  fromManifest: boolean;
  entries: DatasetEntry[];
  issues: DatasetIssue[];
}

/** Folders in a dataset that are not classes and are expected there. */
export const NON_CLASS_FOLDERS = ['unlabelled'];

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

export function isClassName(label: string): label is ClassName {
  return (CLASSES as readonly string[]).includes(label);
}

export function issueText(issue: DatasetIssue, manifestName = 'manifest.csv'): string {
  const where = issue.line !== undefined ? `${manifestName} line ${issue.line}: ${issue.file}` : issue.file;
  return `${issue.severity}: ${where}: ${issue.message}`;
}

/** Sorted, stable order for entries: class order, then file name. */
export function sortEntries<T extends { label: string; file: string }>(entries: T[]): T[] {
  const rank = (l: string) => (CLASSES as readonly string[]).indexOf(l);
  return entries.sort((a, b) => rank(a.label) - rank(b.label) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Throws on the index's errors: the first one's file and message, and how many more there are. */
export function assertValid(index: DatasetIndex): DatasetIndex {
  const errors = index.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more: kombat dataset validate ${index.dir})` : '';
    throw new Error(`${path.join(index.dir, errors[0].file)}: ${errors[0].message}${more}`);
  }
  if (index.entries.length === 0) throw new Error(`${index.dir}: no images in the class folders`);
  return index;
}

/** indexDataset for the steps that must not run on a broken dataset (augment, features, train). */
export async function validIndex(dir: string, options: IndexOptions = {}): Promise<DatasetIndex> {
  return assertValid(await indexDataset(dir, options));
}

export interface IndexOptions {
  /**
   * 'binary' reads the folder for punch vs. not-punch, as the article's first dataset was: punch/ is
   * required, kick/ and other/ are optional, and any other class folder (no-hits/, idle/, ...) holds
   * not-punch frames, indexed as `other`. Otherwise (default) punch/, kick/ and other/ are required.
   */
  task?: Task;
}

/** Class folders of a binary dataset that are not punch/: their frames are not-punch ones. */
function isNotPunchFolder(name: string): boolean {
  return name !== 'punch' && !name.startsWith('.') && !NON_CLASS_FOLDERS.includes(name);
}

/**
 * The one dataset indexer: validation, cleaning, split, augmentation, features, training and
 * evaluation all list a dataset through it, so a file gets the same subject and class everywhere.
 * With manifest.csv, its rows (plus images on disk it does not list, as untracked
 * entries with a warning); without, every image under `<class>/`, subject from the file name
 * (naming.ts: the prefix before the first '_' or '-'; "unknown" for the article's 1.jpg ... N.jpg).
 * sha256 is taken from the manifest, or computed for untracked files.
 */
export async function indexDataset(dir: string, options: IndexOptions = {}): Promise<DatasetIndex> {
  const issues: DatasetIssue[] = [];
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new Error(`${dir}: no such dataset folder`);
  const binary = options.task === 'binary';

  // What is on disk: each class folder and the class its frames get.
  const onDisk = new Map<string, ClassName>();
  const top = await fs.readdir(dir, { withFileTypes: true });
  const folders: [string, ClassName][] = [];
  for (const entry of top) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || isClassName(entry.name)) continue;
    if (binary && isNotPunchFolder(entry.name)) {
      folders.push([entry.name, 'other']);
      issues.push({ severity: 'warning', file: `${entry.name}/`, message: 'not punch: its frames count as not-punch' });
    } else if (!NON_CLASS_FOLDERS.includes(entry.name)) {
      issues.push({
        severity: 'error',
        file: `${entry.name}/`,
        message: `unknown class folder (classes are ${CLASSES.join(', ')})`,
      });
    }
  }
  const present = new Set(top.filter((e) => e.isDirectory()).map((e) => e.name));
  const known = CLASSES.filter((cls) => present.has(cls) || !binary || cls === 'punch');
  folders.unshift(...known.map((cls): [string, ClassName] => [cls, cls]));
  const folderClass = new Map(folders);
  for (const [folder, cls] of folders) {
    const names = await fs.readdir(path.join(dir, folder), { withFileTypes: true }).catch(() => undefined);
    if (!names) {
      const binaryHint = cls === 'kick' ? ' (punch vs. not-punch needs none: --task binary)' : '';
      issues.push({ severity: 'error', file: `${folder}/`, message: `class folder is missing${binaryHint}` });
      continue;
    }
    let images = 0;
    for (const n of names) {
      if (n.name.startsWith('.')) continue;
      const rel = `${folder}/${n.name}`;
      if (!n.isFile())
        issues.push({ severity: 'error', file: rel, message: 'not a file (class folders hold images only)' });
      else if (!isImageFile(n.name))
        issues.push({
          severity: 'error',
          file: rel,
          message: `not an image file (expected ${IMAGE_EXTENSIONS.join(', ')})`,
        });
      else {
        onDisk.set(rel, cls);
        images++;
      }
    }
    if (images === 0) issues.push({ severity: 'error', file: `${folder}/`, message: 'class folder is empty' });
  }
  if (binary && folders.every(([, cls]) => cls === 'punch')) {
    issues.push({
      severity: 'error',
      file: './',
      message: 'no not-punch frames: punch vs. not-punch needs a folder besides punch/ (other/, kick/, no-hits/, ...)',
    });
  }

  const entries: DatasetEntry[] = [];
  const hasManifest = await fs.access(manifestPath(dir)).then(
    () => true,
    () => false,
  );
  const listed = new Set<string>();
  if (hasManifest) {
    const rows = await readManifest(dir);
    rows.forEach((row, i) => {
      const line = i + 2;
      const file = row.file.split(path.sep).join('/');
      if (listed.has(file)) {
        issues.push({ severity: 'error', file, line, message: 'listed twice in the manifest' });
        return;
      }
      listed.add(file);
      if (!isClassName(row.label)) {
        issues.push({
          severity: 'error',
          file,
          line,
          message: `unknown class "${row.label}" (classes are ${CLASSES.join(', ')})`,
        });
        return;
      }
      const folder = file.split('/')[0];
      if (folderClass.get(folder) !== row.label) {
        issues.push({ severity: 'error', file, line, message: `labelled ${row.label} but lies in ${folder}/` });
        return;
      }
      if (!onDisk.has(file)) {
        issues.push({ severity: 'error', file, line, message: 'listed in the manifest but missing on disk' });
        return;
      }
      entries.push({
        file,
        label: row.label,
        subject: row.subject,
        clip: row.clip,
        frame: row.frame,
        source: row.source,
        sha256: row.sha256,
        tracked: true,
      });
    });
  }
  const untracked = [...onDisk].filter(([file]) => !listed.has(file)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (hasManifest) {
    for (const [file] of untracked)
      issues.push({ severity: 'warning', file, message: 'not in manifest.csv (subject taken from its name)' });
  }
  const hashes = await mapLimit(untracked, 8, ([file]) => sha256File(path.join(dir, file)));
  for (const [i, [file, label]] of untracked.entries()) {
    const { subject, clip, frame } = parseImageName(file);
    entries.push({ file, label, subject, clip, frame, source: file, sha256: hashes[i], tracked: false });
  }
  return {
    dir,
    name: path.basename(path.resolve(dir)),
    fromManifest: hasManifest,
    entries: sortEntries(entries),
    issues,
  };
}
