// Cleaning: drop exact duplicates (same sha256), near duplicates (a frame almost identical to the
// last kept frame of the same clip and class) and blank or flat frames (almost no variation).
// Each decision is kept with its reason and measurement, for the dataset card.
import * as path from 'node:path';
import sharp from 'sharp';
import { describeDecodeError, ImageError, unreadableImages } from '../image/decode';
import { mapLimit } from '../pool/limit';
import type { DatasetEntry } from './entries';

export type DropReason = 'flat' | 'duplicate' | 'near-duplicate';

export interface Drop {
  file: string;
  label: string;
  subject: string;
  reason: DropReason;
  /** The kept file this one duplicates (duplicates and near duplicates). */
  of?: string;
  /** What was measured: "std 1.3 (thumbnail)" or "mean abs difference 0.41". */
  detail: string;
}

export interface CleanOptions {
  /** Near duplicate when the mean absolute grey difference of thumbnails (0..255) is below this. */
  nearThreshold?: number;
  /** Flat (or blank) when the grey standard deviation of the thumbnail is below this. */
  flatThreshold?: number;
  /** Thumbnail size used for both measures. */
  thumbWidth?: number;
  thumbHeight?: number;
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_NEAR_THRESHOLD = 1.0;
export const DEFAULT_FLAT_THRESHOLD = 6;

export interface CleanResult<E extends DatasetEntry = DatasetEntry> {
  kept: E[];
  dropped: Drop[];
  /** Counts of dropped images per reason. */
  byReason: Record<DropReason, number>;
  options: { nearThreshold: number; flatThreshold: number; thumbnail: string };
}

/** Small grey thumbnail: the unit of comparison (insensitive to JPEG noise, fast to compare). */
export async function greyThumbnail(file: string, width = 64, height = 36): Promise<Uint8Array> {
  try {
    const data = await sharp(file).greyscale().resize(width, height, { fit: 'fill' }).raw().toBuffer();
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch (err) {
    throw new ImageError(file, describeDecodeError((err as Error).message));
  }
}

export function meanStd(pixels: Uint8Array): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (const v of pixels) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / pixels.length;
  return { mean, std: Math.sqrt(Math.max(0, sq / pixels.length - mean * mean)) };
}

export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Infinity;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

/**
 * Decides what to drop from `entries` (files under `dir`). Order: flat frames, then exact
 * duplicates (the first in file order stays), then near duplicates within each subject/clip/class,
 * comparing each frame (in frame order) with the last one kept.
 */
export async function findDrops<E extends DatasetEntry>(
  dir: string,
  entries: E[],
  options: CleanOptions = {},
): Promise<CleanResult<E>> {
  const nearThreshold = options.nearThreshold ?? DEFAULT_NEAR_THRESHOLD;
  const flatThreshold = options.flatThreshold ?? DEFAULT_FLAT_THRESHOLD;
  const w = options.thumbWidth ?? 64;
  const h = options.thumbHeight ?? 36;
  let done = 0;
  const failed: ImageError[] = [];
  const thumbs = await mapLimit(entries, 4, async (e) => {
    const t = await greyThumbnail(path.join(dir, e.file), w, h).catch((err: unknown) => {
      if (!(err instanceof ImageError)) throw err;
      failed.push(err);
      return new Uint8Array(0);
    });
    options.onProgress?.(++done, entries.length);
    return t;
  });
  if (failed.length > 0) throw unreadableImages(failed.sort((a, b) => (a.file < b.file ? -1 : 1)));
  const dropped: Drop[] = [];
  const drop = (e: E, reason: DropReason, detail: string, of?: string) =>
    dropped.push({ file: e.file, label: e.label, subject: e.subject, reason, detail, ...(of ? { of } : {}) });

  const order = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.file < b.e.file ? -1 : a.e.file > b.e.file ? 1 : 0));
  const alive = new Set<number>();
  for (const { e, i } of order) {
    const { mean, std } = meanStd(thumbs[i]);
    if (std < flatThreshold) {
      const kind = mean < 16 ? 'black' : mean > 239 ? 'white' : 'flat';
      drop(e, 'flat', `grey std ${std.toFixed(2)} < ${flatThreshold}, mean ${mean.toFixed(0)} (${kind})`);
    } else alive.add(i);
  }
  const firstByHash = new Map<string, string>();
  for (const { e, i } of order) {
    if (!alive.has(i)) continue;
    const first = firstByHash.get(e.sha256);
    if (first !== undefined) {
      drop(e, 'duplicate', 'same sha256', first);
      alive.delete(i);
    } else firstByHash.set(e.sha256, e.file);
  }
  const groups = new Map<string, number[]>();
  for (const { e, i } of order) {
    if (!alive.has(i)) continue;
    const key = `${e.subject}\u0000${e.clip}\u0000${e.label}`;
    const list = groups.get(key) ?? [];
    list.push(i);
    groups.set(key, list);
  }
  for (const list of groups.values()) {
    list.sort((a, b) => entries[a].frame - entries[b].frame || (entries[a].file < entries[b].file ? -1 : 1));
    let last = list[0];
    for (const i of list.slice(1)) {
      const d = meanAbsDiff(thumbs[last], thumbs[i]);
      if (d < nearThreshold) {
        drop(
          entries[i],
          'near-duplicate',
          `mean abs difference ${d.toFixed(2)} < ${nearThreshold}`,
          entries[last].file,
        );
        alive.delete(i);
      } else last = i;
    }
  }
  dropped.sort((a, b) => (a.file < b.file ? -1 : 1));
  const byReason: Record<DropReason, number> = { flat: 0, duplicate: 0, 'near-duplicate': 0 };
  for (const d of dropped) byReason[d.reason]++;
  return {
    kept: entries.filter((_, i) => alive.has(i)),
    dropped,
    byReason,
    options: { nearThreshold, flatThreshold, thumbnail: `${w}x${h} grey` },
  };
}
