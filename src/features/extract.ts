// Batched feature extraction from image files. Decoding (sharp, off the main thread) of the next
// batch overlaps inference of the current one; tensors live only inside one batch, so memory stays
// flat however many images pass through.
import * as tf from '@tensorflow/tfjs';
import { ImageError, type RgbImage, readImage } from '../image/decode';
import type { FeatureExtractor } from '../mobilenet/model';
import { rgbTensor } from '../preprocess';

export interface ExtractOptions {
  batchSize?: number;
  onBatch?: (done: number, total: number) => void;
}

export interface ExtractResult {
  /** Row-major [files.length, featureSize]; rows of failed files are zero. */
  features: Float32Array;
  featureSize: number;
  /** Files that could not be decoded, with the reason. */
  failed: ImageError[];
}

export async function extractFiles(
  extractor: FeatureExtractor,
  files: string[],
  { batchSize = 32, onBatch }: ExtractOptions = {},
): Promise<ExtractResult> {
  const d = extractor.featureSize;
  const features = new Float32Array(files.length * d);
  const failed: ImageError[] = [];
  const decodeAt = (start: number) => decodeBatch(files.slice(start, start + batchSize));

  let next = decodeAt(0);
  for (let start = 0; start < files.length; start += batchSize) {
    const decoded = await next;
    if (start + batchSize < files.length) next = decodeAt(start + batchSize);
    await embedBatch(extractor, decoded, features.subarray(start * d), failed);
    onBatch?.(Math.min(start + batchSize, files.length), files.length);
  }
  return { features, featureSize: d, failed };
}

/** Decodes one batch; never rejects: each entry is the image or what reading it threw. */
export function decodeBatch(files: string[]): Promise<(RgbImage | unknown)[]> {
  return Promise.all(files.map((f) => readImage(f).catch((e: unknown) => e)));
}

/**
 * Embeds the decoded images of one batch into `rows` (row i = decoded[i]; rows of failed files are
 * left untouched) and appends the ImageErrors to `failed`; any other decode error is thrown. The
 * single-thread and the worker paths (./parallel.ts) both go through here, batch by batch.
 */
export async function embedBatch(
  extractor: FeatureExtractor,
  decoded: (RgbImage | unknown)[],
  rows: Float32Array,
  failed: ImageError[],
): Promise<void> {
  const d = extractor.featureSize;
  const ok: { row: number; image: RgbImage }[] = [];
  decoded.forEach((r, i) => {
    if (r instanceof ImageError) failed.push(r);
    else if (r instanceof Error) throw r;
    else ok.push({ row: i, image: r as RgbImage });
  });
  if (ok.length === 0) return;
  const pixels = ok.map(({ image }) => rgbTensor(image.data, image.width, image.height));
  let out: tf.Tensor2D;
  try {
    out = extractor.embed(pixels);
  } finally {
    tf.dispose(pixels);
  }
  const values = await out.data();
  out.dispose();
  ok.forEach(({ row }, i) => rows.set(values.subarray(i * d, (i + 1) * d), row * d));
}
