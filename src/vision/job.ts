// One batch of files for the pose-based features, the unit of work of src/vision/pool.ts: decode
// each image once, find its keypoints (unless already known) and compute the person-crop
// features it needs, through the same per-frame functions the page uses (./frame.ts). A job may
// instead look at one part of each frame, as if the camera had framed only that (src/pose/framing.ts).
import { ImageError, readImage } from '../image/decode';
import { type DetectorSpec, detectPose } from '../pose/detect';
import { type BodyKeypoints, type Box, KEYPOINT_COUNT } from '../pose/keypoints';
import { rgbTensor } from '../preprocess';
import { type FrameModels, partFeatures } from './frame';
import type { PersonCropFeatures } from './spec';

/** Keypoints as stored and sent between threads: 17 x (x, y, score), then frame width and height. */
export const KEYPOINT_ROW = KEYPOINT_COUNT * 3 + 2;

export function keypointsToRow(k: BodyKeypoints): Float32Array {
  const row = new Float32Array(KEYPOINT_ROW);
  row.set(k.points);
  row[KEYPOINT_COUNT * 3] = k.width;
  row[KEYPOINT_COUNT * 3 + 1] = k.height;
  return row;
}

export function rowToKeypoints(row: Float32Array): BodyKeypoints {
  return {
    points: row.slice(0, KEYPOINT_COUNT * 3),
    width: row[KEYPOINT_COUNT * 3],
    height: row[KEYPOINT_COUNT * 3 + 1],
  };
}

export interface VisionJob {
  files: string[];
  detector: DetectorSpec;
  /** Keypoint rows already known (cached), or null to detect. */
  known: (Float32Array | null)[];
  /** Person-crop feature parts to compute for every file of the batch. */
  crops: PersonCropFeatures[];
  /**
   * Per file, the part of the frame (whole pixels, inside it) to treat as the whole picture: the
   * keypoints are then those of that picture, in its pixels. Only with `known` all null and no crops.
   */
  regions?: Box[];
}

export interface VisionJobResult {
  /** files.length x KEYPOINT_ROW. */
  keypoints: Float32Array;
  /** Per crop part: files.length x its feature size (rows of failed files are zero; empty if all failed). */
  crops: Float32Array[];
  failed: { index: number; file: string; reason: string }[];
}

/** The pixels of `region` of an RGB image, as the frame a camera framing only that would give. */
function regionOf(data: Uint8Array, width: number, height: number, region: Box) {
  const { x, y, width: w, height: h } = region;
  if (
    !(
      Number.isInteger(x) &&
      Number.isInteger(y) &&
      x >= 0 &&
      y >= 0 &&
      w > 0 &&
      h > 0 &&
      x + w <= width &&
      y + h <= height
    )
  )
    throw new Error(`region ${JSON.stringify(region)} is not whole pixels inside the ${width}x${height} frame`);
  const out = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++)
    out.set(data.subarray(((y + r) * width + x) * 3, ((y + r) * width + x + w) * 3), r * w * 3);
  return rgbTensor(out, w, h);
}

export async function runVisionJob(job: VisionJob, models: FrameModels): Promise<VisionJobResult> {
  const n = job.files.length;
  const keypoints = new Float32Array(n * KEYPOINT_ROW);
  const crops: Float32Array[] = job.crops.map(() => new Float32Array(0));
  const failed: VisionJobResult['failed'] = [];
  const decoded = job.files.map((f) => readImage(f).catch((e: unknown) => e));
  for (let i = 0; i < n; i++) {
    const image = await decoded[i];
    if (image instanceof ImageError) {
      failed.push({ index: i, file: image.file, reason: image.reason });
      continue;
    }
    if (image instanceof Error) throw image;
    const { data, width, height } = image as { data: Uint8Array; width: number; height: number };
    const region = job.regions?.[i];
    const pixels = region ? regionOf(data, width, height, region) : rgbTensor(data, width, height);
    try {
      const known = job.known[i];
      const row = known ?? keypointsToRow(await detectPose(models.movenet!, pixels, job.detector));
      keypoints.set(row, i * KEYPOINT_ROW);
      for (let c = 0; c < job.crops.length; c++) {
        const values = await partFeatures(job.crops[c], models, pixels, rowToKeypoints(row));
        if (crops[c].length === 0) crops[c] = new Float32Array(n * values.length);
        crops[c].set(values, i * values.length);
      }
    } finally {
      pixels.dispose();
    }
  }
  return { keypoints, crops, failed };
}
