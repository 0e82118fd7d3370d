// Validation: what the indexer checks (every file exists and is listed once, sha256 matches the
// manifest, classes are known, split.json places every subject once), plus every file decodes and
// images in a class folder share one size. Collects all problems instead of stopping at the first.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { decodeImage, ImageError } from '../image/decode';
import { mapLimit } from '../pool/limit';
import { type DatasetEntry, type DatasetIndex, type DatasetIssue, indexDataset } from './entries';
import type { ClassName } from './layout';

export interface ValidationResult {
  index: DatasetIndex;
  /** Index issues plus what decoding and hashing found; errors first. */
  issues: DatasetIssue[];
  errors: number;
  warnings: number;
  /** Per class, how many images have each size ("320x180"). */
  sizes: Partial<Record<ClassName, Record<string, number>>>;
  /** Width and height per entry file, for entries that decoded. */
  dimensions: Map<string, { width: number; height: number }>;
}

export interface ValidateOptions {
  onProgress?: (done: number, total: number) => void;
}

export async function validateDataset(
  dirOrIndex: string | DatasetIndex,
  { onProgress }: ValidateOptions = {},
): Promise<ValidationResult> {
  const index = typeof dirOrIndex === 'string' ? await indexDataset(dirOrIndex) : dirOrIndex;
  const issues = [...index.issues];
  const dimensions = new Map<string, { width: number; height: number }>();
  let done = 0;
  await mapLimit(index.entries, 4, async (entry: DatasetEntry) => {
    const file = path.join(index.dir, entry.file);
    try {
      const bytes = await fs.readFile(file);
      const image = await decodeImage(bytes, entry.file);
      dimensions.set(entry.file, { width: image.width, height: image.height });
    } catch (err) {
      const reason = err instanceof ImageError ? err.reason : (err as Error).message;
      issues.push({ severity: 'error', file: entry.file, message: reason });
    }
    onProgress?.(++done, index.entries.length);
  });

  const sizes: Partial<Record<ClassName, Record<string, number>>> = {};
  for (const entry of index.entries) {
    const d = dimensions.get(entry.file);
    if (!d) continue;
    const bySize = sizes[entry.label] ?? {};
    sizes[entry.label] = bySize;
    const key = `${d.width}x${d.height}`;
    bySize[key] = (bySize[key] ?? 0) + 1;
  }
  for (const [label, bySize] of Object.entries(sizes) as [ClassName, Record<string, number>][]) {
    const keys = Object.keys(bySize);
    if (keys.length < 2) continue;
    const common = keys.reduce((a, b) => (bySize[b] > bySize[a] ? b : a));
    for (const entry of index.entries) {
      const d = dimensions.get(entry.file);
      if (entry.label !== label || !d) continue;
      const key = `${d.width}x${d.height}`;
      if (key !== common)
        issues.push({
          severity: 'error',
          file: entry.file,
          message: `is ${key}, most of ${label}/ is ${common} (mixed sizes in one class folder)`,
        });
    }
  }
  issues.sort((a, b) =>
    a.severity === b.severity ? (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) : a.severity === 'error' ? -1 : 1,
  );
  const errors = issues.filter((i) => i.severity === 'error').length;
  return { index, issues, errors, warnings: issues.length - errors, sizes, dimensions };
}
