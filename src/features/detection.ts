// Node: what the kinds with a detector need of many image files, on the worker pool: every frame's
// keypoints (cached per detector setting, shared by the pose descriptor and the person crop) and its
// person-crop features (cached per crop setting). A job decodes each image of a batch once and runs
// the encoder's own per-frame steps (./encoder.ts), the very code the page runs; each worker loads
// its own encoder (./detection-task.ts). A job may instead look at one region of each frame, as if
// the camera had framed only that (./framings.ts).
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../backend';
import { ImageError, readImage } from '../image/decode';
import { modelName } from '../mobilenet/names';
import { mapInWorkers } from '../pool/workers';
import type { DetectorSpec } from '../pose/detect';
import { type Box, KEYPOINT_ROW, keypointsAt, keypointsToRow } from '../pose/keypoints';
import { rgbTensor } from '../preprocess';
import { FeatureCache } from './cache';
import { detectorOf, type FrameEncoder } from './encoder';
import { featureWorkers } from './extract';
import { type FrameFeatures, featureParts, type PersonCropFeatures } from './kinds';
import { type EncoderLocations, encoderFor, resolveLocations } from './local-encoder';
import { extractorFor } from './spec';

export interface DetectionJob {
  files: string[];
  /** Keypoint rows already known (cached), or null to detect. */
  known: (Float32Array | null)[];
  /** Compute the person-crop parts of the spec too. */
  crops: boolean;
  /**
   * Per file, the part of the frame (whole pixels, inside it) to treat as the whole picture: the
   * keypoints are then those of that picture, in its pixels. Only with `known` all null and no crops.
   */
  regions?: Box[];
}

export interface DetectionResult {
  /** files.length x KEYPOINT_ROW. */
  keypoints: Float32Array;
  /** Per crop part: files.length x its feature size (rows of failed files are zero; empty if all failed). */
  crops: Float32Array[];
  failed: { index: number; file: string; reason: string }[];
}

/** What a worker needs to build its encoder. */
export interface DetectionSetup {
  features: FrameFeatures;
  locations: EncoderLocations;
  /** The parent's backend, so a worker does not choose another. */
  backend?: BackendName;
}

function cropParts(spec: FrameFeatures): PersonCropFeatures[] {
  return featureParts(spec).filter((p): p is PersonCropFeatures => p.kind === 'mobilenet-crop');
}

/** The pixels of `region` of an RGB image, as the frame a camera framing only that would give. */
function regionOf(data: Uint8Array, width: number, height: number, region: Box): tf.Tensor3D {
  const { x, y, width: w, height: h } = region;
  const whole = [x, y, w, h].every(Number.isInteger);
  if (!whole || x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height)
    throw new Error(`region ${JSON.stringify(region)} is not whole pixels inside the ${width}x${height} frame`);
  const out = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++)
    out.set(data.subarray(((y + r) * width + x) * 3, ((y + r) * width + x + w) * 3), r * w * 3);
  return rgbTensor(out, w, h);
}

/** One job through an encoder: decode each image once, its keypoints unless known, its crop features. */
export async function runDetection(job: DetectionJob, encoder: FrameEncoder): Promise<DetectionResult> {
  const n = job.files.length;
  const parts = job.crops ? cropParts(encoder.features) : [];
  const keypoints = new Float32Array(n * KEYPOINT_ROW);
  const crops: Float32Array[] = parts.map(() => new Float32Array(0));
  const failed: DetectionResult['failed'] = [];
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
      const found = job.known[i] ? undefined : await encoder.keypoints(pixels);
      const row = job.known[i] ?? (found && keypointsToRow(found));
      if (!row) throw new Error(`${encoder.kind} features have no detector to find keypoints with`);
      keypoints.set(row, i * KEYPOINT_ROW);
      for (let c = 0; c < parts.length; c++) {
        const values = await encoder.part(parts[c], pixels, keypointsAt(row, 0));
        if (crops[c].length === 0) crops[c] = new Float32Array(n * values.length);
        crops[c].set(values, i * values.length);
      }
    } finally {
      pixels.dispose();
    }
  }
  return { keypoints, crops, failed };
}

export interface DetectOptions {
  /** Worker threads (see featureWorkers); one runs on this thread's shared encoder. */
  workers?: number;
  /** Files per job. */
  batchSize?: number;
}

/**
 * Jobs through the pool, results in job order; `onResult` sees each as it arrives. Each worker
 * builds the encoder of `spec` from the locations resolved here; on one worker the jobs run here.
 */
export async function detectInWorkers(
  spec: FrameFeatures,
  jobs: DetectionJob[],
  options: DetectOptions & { onResult?: (result: DetectionResult, index: number) => void } = {},
): Promise<DetectionResult[]> {
  if (jobs.length === 0) return [];
  const files = jobs.reduce((s, j) => s + j.files.length, 0);
  let here: Promise<FrameEncoder> | undefined;
  const local = (): Promise<FrameEncoder> => {
    here ??= encoderFor(spec);
    return here;
  };
  return mapInWorkers<DetectionSetup, DetectionJob, DetectionResult>(jobs, {
    module: path.join(__dirname, 'detection-task'),
    setup: {
      features: spec,
      locations: await resolveLocations(spec),
      backend: (tf.getBackend() || undefined) as BackendName | undefined,
    },
    workers: featureWorkers(files, { workers: options.workers, batchSize: options.batchSize ?? DETECTION_BATCH }),
    label: (job) => `${job.files[0]} (a batch of ${job.files.length})`,
    local: async (job) => runDetection(job, await local()),
    onResult: options.onResult,
  });
}

/** Files per detection job: small, so that two workers share the work evenly. */
export const DETECTION_BATCH = 8;

function keypointCache(detector: DetectorSpec, root?: string): FeatureCache {
  return new FeatureCache(
    { variant: detector.model, layer: `keypoints-${detector.passes}pass`, inputSize: [192, 192], fit: 'letterbox' },
    KEYPOINT_ROW,
    root,
  );
}

function cropCache(part: PersonCropFeatures, featureSize: number, root?: string): FeatureCache {
  const d = part.detector;
  const crop = `s${part.crop.scale}-f${part.crop.minFraction}`;
  const variant = `${modelName(part.alpha)}-crop-${d.model}-${d.passes}pass-${crop}`;
  return new FeatureCache({ variant, layer: part.layer, inputSize: part.inputSize, fit: 'stretch' }, featureSize, root);
}

/** MobileNet's feature size for a crop part: the channels of its layer. */
export async function cropFeatureSize(part: PersonCropFeatures): Promise<number> {
  const { alpha, inputSize, layer } = part;
  return (await extractorFor({ alpha, inputSize, layer, fit: 'stretch' })).featureSize;
}

export interface DetectedFeatures {
  /** files.length x KEYPOINT_ROW. */
  keypoints: Float32Array;
  /** Per crop part: files.length x its size. */
  crops: Map<PersonCropFeatures, { values: Float32Array; size: number }>;
  failed: ImageError[];
  /** Files whose keypoints or crops were computed now (the rest came from the caches). */
  computed: number;
}

/**
 * Keypoints and person-crop features of every file, from the caches where present, else computed
 * on the pool and stored. `hashes` are the sha256 of the files' bytes (the cache keys; undefined for a
 * file that cannot be read, which then fails with a message naming it).
 */
export async function detectedFeatures(
  spec: FrameFeatures,
  files: string[],
  hashes: readonly (string | undefined)[],
  options: DetectOptions & { cacheRoot?: string; onBatch?: (done: number, total: number) => void } = {},
): Promise<DetectedFeatures> {
  const detector = detectorOf(spec);
  if (!detector) throw new Error(`${spec.kind} features use no detector`);
  const n = files.length;
  const kpCache = keypointCache(detector, options.cacheRoot);
  const caches = await Promise.all(
    cropParts(spec).map(async (part) => {
      const size = await cropFeatureSize(part);
      return { part, size, cache: cropCache(part, size, options.cacheRoot) };
    }),
  );
  const keypoints = new Float32Array(n * KEYPOINT_ROW);
  const crops = new Map(caches.map(({ part, size }) => [part, { values: new Float32Array(n * size), size }]));
  const known: (Float32Array | null)[] = new Array(n).fill(null);
  const todo: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = hashes[i];
    const kp = key === undefined ? undefined : await kpCache.get(key);
    if (kp) {
      known[i] = kp;
      keypoints.set(kp, i * KEYPOINT_ROW);
    }
    let complete = kp !== undefined;
    for (const { part, size, cache } of caches) {
      const row = key === undefined ? undefined : await cache.get(key);
      if (row) crops.get(part)?.values.set(row, i * size);
      else complete = false;
    }
    if (!complete) todo.push(i);
  }
  const failed: ImageError[] = [];
  const batchSize = options.batchSize ?? DETECTION_BATCH;
  const batches: number[][] = [];
  for (let s = 0; s < todo.length; s += batchSize) batches.push(todo.slice(s, s + batchSize));
  let done = n - todo.length;
  const jobs = batches.map((rows) => ({
    files: rows.map((i) => files[i]),
    known: rows.map((i) => known[i]),
    crops: true,
  }));
  const results = await detectInWorkers(spec, jobs, {
    ...options,
    onResult: (_, k) => {
      done += batches[k].length;
      options.onBatch?.(done, n);
    },
  });
  for (const [k, result] of results.entries()) {
    const rows = batches[k];
    const bad = new Set(result.failed.map((f) => f.index));
    for (const f of result.failed) failed.push(new ImageError(f.file, f.reason));
    for (let j = 0; j < rows.length; j++) {
      const i = rows[j];
      const key = hashes[i];
      if (bad.has(j) || key === undefined) continue;
      const kp = result.keypoints.subarray(j * KEYPOINT_ROW, (j + 1) * KEYPOINT_ROW);
      keypoints.set(kp, i * KEYPOINT_ROW);
      if (!known[i]) await kpCache.put(key, kp);
      for (const [c, { part, size, cache }] of caches.entries()) {
        const row = result.crops[c].subarray(j * size, (j + 1) * size);
        crops.get(part)?.values.set(row, i * size);
        await cache.put(key, row);
      }
    }
  }
  return { keypoints, crops, failed, computed: todo.length };
}
