// Node: feature vectors of many image files for any feature kind (./kinds.ts), through on-disk
// caches keyed by each image's sha256. Whole-frame MobileNet goes through the MobileNet cache
// (./cache.ts, batched on the pool); the kinds with a detector first find every frame's keypoints
// and person-crop features (./detection.ts, on the pool). The pose descriptor is cheap and never
// cached. Every path runs the encoder's per-frame steps, so the values are those the page computes.
import { initBackend } from '../backend';
import type { ImageError } from '../image/decode';
import { describePose } from '../pose/descriptor';
import { keypointsAt, mirrorKeypoints } from '../pose/keypoints';
import { cachedFeatures, cacheKeys } from './cache';
import { cropFeatureSize, type DetectedFeatures, type DetectOptions, detectedFeatures } from './detection';
import { concatRows, detectorOf } from './encoder';
import { type FrameFeatures, featureParts, type SingleFeatures } from './kinds';
import { extractorFor } from './spec';

export interface FrameFeatureOptions extends DetectOptions {
  onBatch?: (done: number, total: number) => void;
  /** Features of the mirrored frame instead (pose only: keypoints flipped left-right). */
  mirrored?: boolean;
  /** Default <data>/features (./cache.ts). */
  cacheRoot?: string;
}

export interface FrameFeatureResult {
  /** Row-major [files.length, featureSize]; rows of failed files are zero. */
  features: Float32Array;
  featureSize: number;
  failed: ImageError[];
  /** The keypoint rows (KEYPOINT_ROW values per file) where the kind uses a detector. */
  keypoints?: Float32Array;
  /** Files whose keypoints or crops were computed now. */
  computed: number;
}

/** Features of every file for `spec` (see the file comment); the values do not depend on the workers. */
export async function frameFeatures(
  spec: FrameFeatures,
  files: string[],
  options: FrameFeatureOptions = {},
): Promise<FrameFeatureResult> {
  await initBackend();
  // The caches' keys: the sha256 of the bytes read now (./cache.ts), never a manifest's.
  const hashes = await cacheKeys(files);
  const parts = featureParts(spec);
  if (options.mirrored && parts.some((p) => p.kind !== 'pose'))
    throw new Error('mirrored features exist only for the pose kind (keypoints flipped left-right)');
  const detected = detectorOf(spec) ? await detectedFeatures(spec, files, hashes, options) : undefined;
  const failed = [...(detected?.failed ?? [])];
  const matrices: { values: Float32Array; size: number }[] = [];
  for (const part of parts) matrices.push(await partMatrix(part, files, detected, options, failed));
  const featureSize = matrices.reduce((s, p) => s + p.size, 0);
  const features = new Float32Array(files.length * featureSize);
  for (let i = 0; i < files.length; i++) {
    const rows = matrices.map((p) => p.values.subarray(i * p.size, (i + 1) * p.size));
    features.set(concatRows(rows), i * featureSize);
  }
  const unique = [...new Map(failed.map((e) => [e.file, e])).values()];
  return { features, featureSize, failed: unique, keypoints: detected?.keypoints, computed: detected?.computed ?? 0 };
}

async function partMatrix(
  part: SingleFeatures,
  files: string[],
  detected: DetectedFeatures | undefined,
  options: FrameFeatureOptions,
  failed: ImageError[],
): Promise<{ values: Float32Array; size: number }> {
  switch (part.kind) {
    case 'mobilenet': {
      const extractor = await extractorFor(part);
      const r = await cachedFeatures(extractor, files, {
        onBatch: options.onBatch,
        workers: options.workers,
        cacheRoot: options.cacheRoot,
      });
      failed.push(...r.failed);
      return { values: r.features, size: r.featureSize };
    }
    case 'mobilenet-crop': {
      const crop = detected?.crops.get(part);
      if (!crop) throw new Error('person-crop features were not computed');
      return crop;
    }
    case 'pose': {
      if (!detected) throw new Error('pose features need keypoints');
      const bad = new Set(failed.map((e) => e.file));
      const size = part.descriptor.size;
      const values = new Float32Array(files.length * size);
      for (let i = 0; i < files.length; i++) {
        if (bad.has(files[i])) continue;
        const k = keypointsAt(detected.keypoints, i);
        const d = describePose(options.mirrored ? mirrorKeypoints(k) : k, part.descriptor);
        if (d.length !== size) throw new Error(`the pose descriptor has ${d.length} values, the spec says ${size}`);
        values.set(d, i * size);
      }
      return { values, size };
    }
  }
}

/** The length of one feature vector of `spec`, without computing any (loads MobileNet where a part uses it). */
export async function featureSizeOf(spec: FrameFeatures): Promise<number> {
  let size = 0;
  for (const part of featureParts(spec)) {
    if (part.kind === 'pose') size += part.descriptor.size;
    else if (part.kind === 'mobilenet-crop') size += await cropFeatureSize(part);
    else size += (await extractorFor(part)).featureSize;
  }
  return size;
}
