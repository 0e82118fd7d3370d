// Contact sheets: a grid of sample images per class, to see at a glance what a class holds
// (the article's "Image samples" figure). Written to reports/contact-sheets/<class>.jpg.
import * as path from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../image/decode';
import { writeGrid } from '../image/grid';
import { mapLimit } from '../pool/limit';
import type { DatasetEntry } from './entries';
import { CLASSES, type ClassName } from './layout';

export interface ContactSheetOptions {
  /** Images per class (default 16), spread evenly over the class in subject/clip/frame order. */
  count?: number;
  columns?: number;
  /** Width of each cell in pixels (default 160; height follows the aspect ratio). */
  cellWidth?: number;
}

/** Up to `count` entries spread evenly over the list (deterministic: no randomness). */
export function spreadSample<T>(items: T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / count)]);
}

async function thumbnail(file: string, width: number): Promise<RgbImage> {
  const { data, info } = await sharp(file)
    .resize({ width })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Writes one JPEG contact sheet per class; returns the files and their bytes (for inline display). */
export async function writeContactSheets(
  datasetDir: string,
  entries: DatasetEntry[],
  outDir: string,
  { count = 16, columns = 4, cellWidth = 160 }: ContactSheetOptions = {},
): Promise<Partial<Record<ClassName, { file: string; bytes: Buffer; shown: number; of: number }>>> {
  const sheets: Partial<Record<ClassName, { file: string; bytes: Buffer; shown: number; of: number }>> = {};
  for (const cls of CLASSES) {
    const members = entries
      .filter((e) => e.label === cls)
      .sort(
        (a, b) =>
          (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0) ||
          (a.clip < b.clip ? -1 : a.clip > b.clip ? 1 : 0) ||
          a.frame - b.frame,
      );
    if (members.length === 0) continue;
    const chosen = spreadSample(members, count);
    const images = await mapLimit(chosen, 4, (e) => thumbnail(path.join(datasetDir, e.file), cellWidth));
    const file = path.join(outDir, `${cls}.jpg`);
    const bytes = await writeGrid(file, images, { columns: Math.min(columns, images.length), gap: 2 });
    sheets[cls] = { file, bytes, shown: chosen.length, of: members.length };
  }
  return sheets;
}
