// Indexing a dataset folder: one typed entry per image, from manifest.csv where there is one,
// else from the class folders and file names. Problems found on the way are collected, not thrown,
// so `kombat dataset validate` can list them all at once.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { exists } from '../util/fs';
import { hashFiles } from '../util/hash';
import { CLASSES, type ClassName, IMAGE_EXTENSIONS, isFolder } from './layout';
import { manifestPath, readManifest } from './manifest';
import { parseImageName } from './naming';
import { parseSplit, type Split, splitPath, splitProblems } from './split';
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
  /** Of the file's bytes as indexed (a manifest row whose sha256 differs is an error, not an entry). */
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
  /** split.json when there is one and it is readable (its problems are issues). */
  split?: Split;
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

/** Errors listed in full up to here; beyond, how many more. */
const LISTED = 20;

/** Throws on the index's errors, each on its own line naming the file (up to 20, then how many more). */
export function assertValid(index: DatasetIndex): DatasetIndex {
  const errors = index.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const lines = errors.slice(0, LISTED).map((e) => `${path.join(index.dir, e.file)}: ${e.message}`);
    if (errors.length > LISTED)
      lines.push(`... and ${errors.length - LISTED} more: kombat dataset validate ${index.dir} lists them all`);
    throw new Error(lines.join('\n'));
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
 * Every file is hashed as it is indexed: a manifest row whose sha256 is empty or differs from its
 * file's is an error (kombat dataset index --rehash is the repair). split.json, where there is one,
 * must place every subject in exactly one split.
 */
export async function indexDataset(dir: string, options: IndexOptions = {}): Promise<DatasetIndex> {
  const issues: DatasetIssue[] = [];
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new Error(`${dir}: no such dataset folder`);
  const binary = options.task === 'binary';
  const classFolders = await Promise.all(CLASSES.map((c) => isFolder(path.join(dir, c))));
  if (!classFolders.some(Boolean) && !(await exists(manifestPath(dir)))) {
    const folders = `${CLASSES.slice(0, -1).join('/, ')}/ or ${CLASSES[CLASSES.length - 1]}/`;
    throw new Error(`${dir}: not a dataset folder (no ${folders} folder and no manifest.csv)`);
  }

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
  const hasManifest = await exists(manifestPath(dir));
  const listed = new Set<string>();
  /** Manifest lines of tracked entries, for the hash check. */
  const lines = new Map<string, number>();
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
      lines.set(file, line);
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
  for (const [file, label] of untracked) {
    const { subject, clip, frame } = parseImageName(file);
    entries.push({ file, label, subject, clip, frame, source: file, sha256: '', tracked: false });
  }

  // The bytes as they are now: every later step (cache keys included) can rely on sha256.
  const hashes = await hashFiles(entries.map((e) => path.join(dir, e.file)));
  const rehash = `; check the file, or take its hash with kombat dataset index --rehash ${dir}`;
  const checked = entries.filter((e, i) => {
    const hash = hashes[i];
    const line = lines.get(e.file);
    if (hash === undefined) {
      issues.push({ severity: 'error', file: e.file, line, message: 'cannot be read' });
      return false;
    }
    if (e.tracked && e.sha256 !== hash) {
      const message =
        e.sha256 === ''
          ? `sha256 in manifest.csv is empty${rehash}`
          : `sha256 in manifest.csv does not match the file (it changed after it was listed)${rehash}`;
      issues.push({ severity: 'error', file: e.file, line, message });
      return false;
    }
    e.sha256 = hash;
    return true;
  });

  const split = await indexSplit(dir, checked, issues);
  return {
    dir,
    name: path.basename(path.resolve(dir)),
    fromManifest: hasManifest,
    entries: sortEntries(checked),
    split,
    issues,
  };
}

/** split.json, if any, checked against the entries: its problems become issues of the file split.json. */
async function indexSplit(dir: string, entries: DatasetEntry[], issues: DatasetIssue[]): Promise<Split | undefined> {
  const text = await fs.readFile(splitPath(dir), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const file = path.basename(splitPath(dir));
  try {
    const split = parseSplit(text);
    for (const message of splitProblems(
      split,
      entries.map((e) => e.subject),
    ))
      issues.push({ severity: 'error', file, message });
    return split;
  } catch (err) {
    issues.push({ severity: 'error', file, message: (err as Error).message });
    return undefined;
  }
}
