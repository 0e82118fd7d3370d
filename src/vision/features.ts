// Node: feature vectors of many image files for any feature kind, through on-disk caches keyed by
// the image's sha256. Whole-frame MobileNet goes through the existing MobileNet cache
// (src/features/cache.ts); the pose-based kinds first find every frame's keypoints (cached per
// detector setting, shared by the pose descriptor and the person crop), then compute the crop
// features (cached per crop setting) on worker threads. The descriptor is cheap and never cached.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { initBackend } from '../backend';
import { cachedFeatures, FeatureCache } from '../features/cache';
import { featureWorkers } from '../features/parallel';
import { ImageError } from '../image/decode';
import { extractorFor } from '../mobilenet/extractors';
import { modelName } from '../mobilenet/source';
import { describePose } from '../pose/descriptor';
import type { DetectorSpec } from '../pose/detect';
import { mirrorKeypoints } from '../pose/keypoints';
import { concatRows, detectorOf } from './frame';
import { KEYPOINT_ROW, rowToKeypoints, type VisionJob } from './job';
import { resolveLocations } from './models';
import { startVisionRunner } from './pool';
import { type FrameFeatures, featureParts, type PersonCropFeatures, type SingleFeatures } from './spec';

export interface FrameFeatureOptions {
  /** sha256 of each file (e.g. from the manifest); computed when absent. */
  hashes?: string[];
  /** Worker threads for detection and crops; default as for MobileNet features (featureWorkers). */
  workers?: number;
  /** Files per job. */
  batchSize?: number;
  onBatch?: (done: number, total: number) => void;
  /** Features of the mirrored frame instead (pose only: keypoints flipped left-right). */
  mirrored?: boolean;
  /** Default <data>/features (src/features/cache.ts). */
  cacheRoot?: string;
}

export interface FrameFeatureResult {
  /** Row-major [files.length, featureSize]; rows of failed files are zero. */
  features: Float32Array;
  featureSize: number;
  failed: ImageError[];
  /** The keypoint rows (KEYPOINT_ROW values per file) where the kind uses a detector. */
  keypoints?: Float32Array;
  computed: number;
}

function keypointCache(detector: DetectorSpec, root?: string): FeatureCache {
  return new FeatureCache(
    { variant: detector.model, layer: `keypoints-${detector.passes}pass`, inputSize: [192, 192], fit: 'letterbox' },
    KEYPOINT_ROW,
    root,
  );
}

function cropCache(part: PersonCropFeatures, featureSize: number, root?: string): FeatureCache {
  const d = part.detector;
  const variant = `${modelName(part.alpha)}-crop-${d.model}-${d.passes}pass-s${part.crop.scale}-f${part.crop.minFraction}`;
  return new FeatureCache({ variant, layer: part.layer, inputSize: part.inputSize, fit: 'stretch' }, featureSize, root);
}

async function hashesOf(files: string[], given?: string[]): Promise<string[]> {
  if (given) return given;
  return Promise.all(
    files.map(async (f) =>
      createHash('sha256')
        .update(await fs.readFile(f).catch(() => Buffer.alloc(0)))
        .digest('hex'),
    ),
  );
}

/** MobileNet's feature size for a crop part: the channels of its layer. */
async function cropFeatureSize(part: PersonCropFeatures): Promise<number> {
  return (await extractorFor({ alpha: part.alpha, inputSize: part.inputSize, layer: part.layer, fit: 'stretch' }))
    .featureSize;
}

/**
 * Keypoints and person-crop features of every file, from the caches where present, else computed
 * (on worker threads when there are enough) and stored.
 */
async function detectorFeatures(
  spec: FrameFeatures,
  detector: DetectorSpec,
  files: string[],
  hashes: string[],
  options: FrameFeatureOptions,
): Promise<{
  keypoints: Float32Array;
  crops: Map<PersonCropFeatures, { values: Float32Array; size: number }>;
  failed: ImageError[];
  computed: number;
}> {
  const n = files.length;
  const kpCache = keypointCache(detector, options.cacheRoot);
  const cropParts = featureParts(spec).filter((p): p is PersonCropFeatures => p.kind === 'mobilenet-crop');
  const cropCaches = await Promise.all(cropParts.map(async (p) => ({ part: p, size: await cropFeatureSize(p) }))).then(
    (xs) => xs.map(({ part, size }) => ({ part, size, cache: cropCache(part, size, options.cacheRoot) })),
  );
  const keypoints = new Float32Array(n * KEYPOINT_ROW);
  const crops = new Map(cropCaches.map(({ part, size }) => [part, { values: new Float32Array(n * size), size }]));
  const known: (Float32Array | null)[] = new Array(n).fill(null);
  const todo: number[] = [];
  for (let i = 0; i < n; i++) {
    const kp = await kpCache.get(hashes[i]);
    if (kp) {
      known[i] = kp;
      keypoints.set(kp, i * KEYPOINT_ROW);
    }
    let complete = kp !== undefined;
    for (const { part, size, cache } of cropCaches) {
      const row = await cache.get(hashes[i]);
      if (row) crops.get(part)!.values.set(row, i * size);
      else complete = false;
    }
    if (!complete) todo.push(i);
  }
  const failed: ImageError[] = [];
  if (todo.length > 0) {
    const batchSize = options.batchSize ?? 8;
    const runner = await startVisionRunner(
      spec,
      await resolveLocations(spec),
      featureWorkers(todo.length, { workers: options.workers, batchSize }),
    );
    let done = n - todo.length;
    try {
      const batches: number[][] = [];
      for (let s = 0; s < todo.length; s += batchSize) batches.push(todo.slice(s, s + batchSize));
      await Promise.all(
        batches.map(async (rows) => {
          const job: VisionJob = {
            files: rows.map((i) => files[i]),
            detector,
            known: rows.map((i) => known[i]),
            crops: cropParts,
          };
          const result = await runner.run(job);
          const bad = new Set(result.failed.map((f) => f.index));
          for (const f of result.failed) failed.push(new ImageError(f.file, f.reason));
          for (let j = 0; j < rows.length; j++) {
            if (bad.has(j)) continue;
            const i = rows[j];
            const kp = result.keypoints.subarray(j * KEYPOINT_ROW, (j + 1) * KEYPOINT_ROW);
            keypoints.set(kp, i * KEYPOINT_ROW);
            if (!known[i]) await kpCache.put(hashes[i], kp);
            for (let c = 0; c < cropCaches.length; c++) {
              const { part, size, cache } = cropCaches[c];
              const row = result.crops[c].subarray(j * size, (j + 1) * size);
              crops.get(part)!.values.set(row, i * size);
              await cache.put(hashes[i], row);
            }
          }
          done += rows.length;
          options.onBatch?.(done, n);
        }),
      );
    } finally {
      await runner.close();
    }
  }
  const order = new Map(files.map((f, i) => [f, i]));
  failed.sort((a, b) => order.get(a.file)! - order.get(b.file)!);
  return { keypoints, crops, failed, computed: todo.length };
}

/** Features of every file for `spec` (see the file comment); the values do not depend on workers. */
export async function frameFeatures(
  spec: FrameFeatures,
  files: string[],
  options: FrameFeatureOptions = {},
): Promise<FrameFeatureResult> {
  await initBackend();
  const hashes = await hashesOf(files, options.hashes);
  const parts = featureParts(spec);
  if (options.mirrored && parts.some((p) => p.kind !== 'pose'))
    throw new Error('mirrored features exist only for the pose kind (keypoints flipped left-right)');
  const detector = detectorOf(spec);
  const fromDetector = detector ? await detectorFeatures(spec, detector, files, hashes, options) : undefined;
  const failed = fromDetector?.failed ?? [];
  const partRows: { values: Float32Array; size: number }[] = [];
  for (const part of parts) partRows.push(await partMatrix(part, files, hashes, fromDetector, options, failed));
  const featureSize = partRows.reduce((s, p) => s + p.size, 0);
  const features = new Float32Array(files.length * featureSize);
  for (let i = 0; i < files.length; i++) {
    features.set(concatRows(partRows.map((p) => p.values.subarray(i * p.size, (i + 1) * p.size))), i * featureSize);
  }
  const unique = [...new Map(failed.map((e) => [e.file, e])).values()];
  return {
    features,
    featureSize,
    failed: unique,
    keypoints: fromDetector?.keypoints,
    computed: fromDetector?.computed ?? 0,
  };
}

async function partMatrix(
  part: SingleFeatures,
  files: string[],
  hashes: string[],
  fromDetector: Awaited<ReturnType<typeof detectorFeatures>> | undefined,
  options: FrameFeatureOptions,
  failed: ImageError[],
): Promise<{ values: Float32Array; size: number }> {
  switch (part.kind) {
    case 'mobilenet': {
      const extractor = await extractorFor(part);
      const r = await cachedFeatures(extractor, files, { hashes, onBatch: options.onBatch, workers: options.workers });
      failed.push(...r.failed);
      return { values: r.features, size: r.featureSize };
    }
    case 'mobilenet-crop':
      return fromDetector!.crops.get(part)!;
    case 'pose': {
      const bad = new Set(failed.map((e) => e.file));
      const size = part.descriptor.size;
      const values = new Float32Array(files.length * size);
      for (let i = 0; i < files.length; i++) {
        if (bad.has(files[i])) continue;
        const k = rowToKeypoints(fromDetector!.keypoints.subarray(i * KEYPOINT_ROW, (i + 1) * KEYPOINT_ROW));
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
