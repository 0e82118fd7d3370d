// Batched feature extraction from image files. Decoding (sharp, off the main thread) of the next
// batch overlaps inference of the current one; tensors live only inside one batch, so memory stays
// flat however many images pass through.
import * as tf from '@tensorflow/tfjs';
import { ImageError, readImage, RgbImage } from '../image/decode';
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
  const decodeBatch = (start: number) =>
    Promise.all(files.slice(start, start + batchSize).map((f) => readImage(f).catch((e: unknown) => e)));

  let next = decodeBatch(0);
  for (let start = 0; start < files.length; start += batchSize) {
    const decoded = await next;
    if (start + batchSize < files.length) next = decodeBatch(start + batchSize);
    const ok: { row: number; image: RgbImage }[] = [];
    decoded.forEach((d, i) => {
      if (d instanceof ImageError) failed.push(d);
      else if (d instanceof Error) throw d;
      else ok.push({ row: start + i, image: d as RgbImage });
    });
    if (ok.length > 0) {
      const pixels = ok.map(({ image }) => rgbTensor(image.data, image.width, image.height));
      const out = extractor.embed(pixels);
      tf.dispose(pixels);
      const values = await out.data();
      out.dispose();
      ok.forEach(({ row }, i) => features.set(values.subarray(i * d, (i + 1) * d), row * d));
    }
    onBatch?.(Math.min(start + batchSize, files.length), files.length);
  }
  return { features, featureSize: d, failed };
}
