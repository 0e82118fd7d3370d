// Dataset layout: data/<name>/<class>/<file>.jpg, optionally with data/<name>/manifest.csv.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { exists, type FolderKind } from '../util/fs';

export const CLASSES = ['punch', 'kick', 'other'] as const;
export type ClassName = (typeof CLASSES)[number];

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

export async function isFolder(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isDirectory() === true;
}

/** Class folders or manifest.csv: what no command ever writes over, even with --force (util/fs.ts). */
export const DATASET: FolderKind = {
  name: 'a dataset',
  sign: `manifest.csv or ${CLASSES.map((c) => `${c}/`).join(', ')}`,
  async is(dir) {
    if (await exists(path.join(dir, 'manifest.csv'))) return true;
    for (const cls of CLASSES) if (await isFolder(path.join(dir, cls))) return true;
    return false;
  },
};

export interface DatasetSummary {
  name: string;
  dir: string;
  hasManifest: boolean;
  counts: Partial<Record<ClassName, number>>;
}

/** Every folder under `root` that holds at least one class folder. */
export async function findDatasets(root: string): Promise<DatasetSummary[]> {
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
  const found: DatasetSummary[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = path.join(root, entry.name);
    const counts: Partial<Record<ClassName, number>> = {};
    for (const cls of CLASSES) {
      const files = await fs.readdir(path.join(dir, cls)).catch(() => undefined);
      if (files) counts[cls] = files.filter((f) => IMAGE_EXTENSIONS.includes(path.extname(f).toLowerCase())).length;
    }
    if (Object.keys(counts).length === 0) continue;
    const hasManifest = await fs.access(path.join(dir, 'manifest.csv')).then(
      () => true,
      () => false,
    );
    found.push({ name: entry.name, dir, hasManifest, counts });
  }
  return found;
}
