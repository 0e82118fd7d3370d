// Contact sheets: compose images into a grid (augmentation figures, dataset contact sheets).
import * as path from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../util/fs';
import type { RgbImage } from './decode';

export interface GridOptions {
  /** Images per row (default: ceil(sqrt(n)), so 16 images make 4x4). */
  columns?: number;
  /** Pixels between cells and around the edge, before scaling (default 2). */
  gap?: number;
  /** Background / gap colour (default white). */
  background?: readonly [number, number, number];
  /** Integer nearest-neighbour upscale of the whole sheet, to make small frames visible (default 1). */
  scale?: number;
  /** JPEG quality when writing .jpg (default 85). */
  quality?: number;
}

/** Cells are as large as the largest image; smaller images are centred in theirs. */
export function makeGrid(images: readonly RgbImage[], opts: GridOptions = {}): RgbImage {
  if (images.length === 0) throw new Error('makeGrid: no images');
  const columns = opts.columns ?? Math.ceil(Math.sqrt(images.length));
  const gap = opts.gap ?? 2;
  const scale = opts.scale ?? 1;
  const bg = opts.background ?? [255, 255, 255];
  if (!Number.isInteger(columns) || columns < 1)
    throw new Error(`makeGrid: columns must be a positive integer, got ${columns}`);
  if (!Number.isInteger(gap) || gap < 0) throw new Error(`makeGrid: gap must be an integer >= 0, got ${gap}`);
  if (!Number.isInteger(scale) || scale < 1)
    throw new Error(`makeGrid: scale must be a positive integer, got ${scale}`);
  const rows = Math.ceil(images.length / columns);
  const cw = Math.max(...images.map((i) => i.width));
  const ch = Math.max(...images.map((i) => i.height));
  const w = columns * cw + (columns + 1) * gap;
  const h = rows * ch + (rows + 1) * gap;
  const sheet = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) sheet.set(bg, p * 3);
  images.forEach((img, i) => {
    if (img.data.length !== img.width * img.height * 3)
      throw new Error(`makeGrid: image ${i} is not ${img.width}x${img.height} RGB`);
    const x0 = gap + (i % columns) * (cw + gap) + Math.floor((cw - img.width) / 2);
    const y0 = gap + Math.floor(i / columns) * (ch + gap) + Math.floor((ch - img.height) / 2);
    for (let y = 0; y < img.height; y++) {
      sheet.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), ((y0 + y) * w + x0) * 3);
    }
  });
  return scale === 1 ? { data: sheet, width: w, height: h } : upscale({ data: sheet, width: w, height: h }, scale);
}

function upscale(img: RgbImage, k: number): RgbImage {
  const w = img.width * k;
  const h = img.height * k;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.floor(y / k);
    for (let x = 0; x < w; x++) {
      const s = (sy * img.width + Math.floor(x / k)) * 3;
      const d = (y * w + x) * 3;
      data[d] = img.data[s];
      data[d + 1] = img.data[s + 1];
      data[d + 2] = img.data[s + 2];
    }
  }
  return { data, width: w, height: h };
}

export async function encodePng(img: RgbImage): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .png()
    .toBuffer();
}

export async function encodeJpegSharp(img: RgbImage, quality = 85): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

/** Writes the grid as PNG (.png) or JPEG (.jpg/.jpeg), atomically; returns the encoded bytes. */
export async function writeGrid(file: string, images: readonly RgbImage[], opts: GridOptions = {}): Promise<Buffer> {
  const grid = makeGrid(images, opts);
  const ext = path.extname(file).toLowerCase();
  const bytes =
    ext === '.png'
      ? await encodePng(grid)
      : ext === '.jpg' || ext === '.jpeg'
        ? await encodeJpegSharp(grid, opts.quality)
        : undefined;
  if (!bytes) throw new Error(`writeGrid: ${file}: use .png, .jpg or .jpeg`);
  await writeFileAtomic(file, bytes);
  return bytes;
}
