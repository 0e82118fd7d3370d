// Node: keypoints of webcam framings of training frames (pose/framing.ts): each frame cut where a
// laptop camera might cut the person, then passed through the detector as a frame of its own.
// Variant v of a frame is a function of (seed, frame bytes, v), so every run, with any number of
// workers, sees the same crops; keypoints are cached by (frame bytes, crop): the sha256 of the bytes
// read now, never a manifest's, so a frame replaced under the same name is detected again.
import type { DetectorSpec } from '../pose/detect';
import { drawFraming, type Framing, framingBox } from '../pose/framing';
import { type Box, KEYPOINT_ROW, keypointsAt } from '../pose/keypoints';
import { sha256 } from '../util/hash';
import { mulberry32 } from '../util/random';
import { FeatureCache, readableCacheKeys } from './cache';
import { DETECTION_BATCH, type DetectOptions, detectInWorkers } from './detection';
import type { PoseFeatures } from './kinds';

/** How many webcam framings of each training frame to add, and the seed they are drawn with. */
export interface FramingSettings {
  variants: number;
  seed: number;
}

export interface FramedKeypoints {
  /** One KEYPOINT_ROW per framing, in the crop's pixels. */
  keypoints: Float32Array;
  /** Per framing, the index of its frame in the files given. */
  source: number[];
  framings: (Framing & { box: Box })[];
  /** Framings detected now (the rest came from the cache). */
  computed: number;
}

function framingCache(detector: DetectorSpec, root?: string): FeatureCache {
  const layer = `keypoints-${detector.passes}pass-framed`;
  return new FeatureCache(
    { variant: detector.model, layer, inputSize: [192, 192], fit: 'letterbox' },
    KEYPOINT_ROW,
    root,
  );
}

/** The seeded draws of variant `v` of the frame with this sha256. */
export function framingDraws(hash: string, v: number, seed: number): () => number {
  return mulberry32(
    (Number.parseInt(hash.slice(0, 8), 16) ^ Math.imul(v + 1, 0x9e3779b1) ^ Math.imul(seed, 0x85ebca6b)) >>> 0,
  );
}

/**
 * Keypoints of `settings.variants` webcam framings of each file, placed with the keypoints found on
 * the whole frame (`wholeKeypoints`, KEYPOINT_ROW per file). A frame without a body to frame gives
 * no framings.
 */
export async function framedKeypoints(
  spec: PoseFeatures,
  files: string[],
  wholeKeypoints: Float32Array,
  settings: FramingSettings,
  options: DetectOptions & {
    /** Which framings to keep (e.g. of a kick frame, only those that show the raised foot). */
    keep?: (index: number, box: Box) => boolean;
    cacheRoot?: string;
    onBatch?: (done: number, total: number) => void;
  } = {},
): Promise<FramedKeypoints> {
  const cache = framingCache(spec.detector, options.cacheRoot);
  const hashes = await readableCacheKeys(files);
  const framings: FramedKeypoints['framings'] = [];
  const source: number[] = [];
  const keys: string[] = [];
  hashes.forEach((hash, i) => {
    const k = keypointsAt(wholeKeypoints, i);
    for (let v = 0; v < settings.variants; v++) {
      const framing = drawFraming(framingDraws(hash, v, settings.seed));
      const box = framingBox(k, framing);
      if (!box || (options.keep && !options.keep(i, box))) continue;
      framings.push({ ...framing, box });
      source.push(i);
      keys.push(sha256(`${hash} ${box.x} ${box.y} ${box.width} ${box.height}`));
    }
  });
  const keypoints = new Float32Array(framings.length * KEYPOINT_ROW);
  const todo: number[] = [];
  for (let j = 0; j < framings.length; j++) {
    const row = await cache.get(keys[j]);
    if (row) keypoints.set(row, j * KEYPOINT_ROW);
    else todo.push(j);
  }
  const batchSize = options.batchSize ?? DETECTION_BATCH;
  const batches: number[][] = [];
  for (let s = 0; s < todo.length; s += batchSize) batches.push(todo.slice(s, s + batchSize));
  let done = framings.length - todo.length;
  const jobs = batches.map((rows) => ({
    files: rows.map((j) => files[source[j]]),
    known: rows.map(() => null),
    crops: false,
    regions: rows.map((j) => framings[j].box),
  }));
  const results = await detectInWorkers(spec, jobs, {
    ...options,
    onResult: (_, k) => {
      done += batches[k].length;
      options.onBatch?.(done, framings.length);
    },
  });
  for (const [k, result] of results.entries()) {
    if (result.failed.length > 0) throw new Error(`cannot read ${result.failed[0].file}: ${result.failed[0].reason}`);
    const rows = batches[k];
    for (let r = 0; r < rows.length; r++) {
      const row = result.keypoints.subarray(r * KEYPOINT_ROW, (r + 1) * KEYPOINT_ROW);
      keypoints.set(row, rows[r] * KEYPOINT_ROW);
      await cache.put(keys[rows[r]], row);
    }
  }
  return { keypoints, source, framings, computed: todo.length };
}
