// Batched feature extraction from image files, on the worker pool (pool/workers.ts). The files are
// cut into batches; each batch is decoded (sharp, off the main thread) and embedded by one worker,
// each worker with its own backend and its own copy of MobileNet, rebuilt from an ExtractorSpec, or
// by this thread when one worker is enough. What embeds is one layer's extractor or several layers'
// from one pass (MultiLayerExtractor, their features side by side in a row). Every path embeds the
// same batches through the same embedBatch, so the features are bitwise the same however many
// threads run. A worker decodes its next batch while it embeds the current one; tensors live only
// inside one batch, so memory stays flat however many images pass through.

import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../backend';
import { ImageError, type ReadImage, readImage } from '../image/decode';
import type { Alpha } from '../mobilenet/names';
import type { MobileNetInfo } from '../mobilenet/network';
import { mapInWorkers, poolSize, type TaskFunction, WorkerPool } from '../pool/workers';
import { type Fit, rgbTensor } from '../preprocess';

export interface ExtractOptions {
  batchSize?: number;
  /** Worker threads (see featureWorkers); 1 runs in this thread on the given extractor. */
  workers?: number;
  /** Threads kept across calls (featurePool); replaces `workers`. */
  pool?: WorkerPool<ExtractorSpec>;
  /** Files done so far (completion order) of the total. */
  onBatch?: (done: number, total: number) => void;
  /** Each batch's features as soon as it is done (completion order): `start` is its first file's index. */
  onBatchResult?: (start: number, output: BatchOutput) => void;
  signal?: AbortSignal;
}

export interface ExtractResult {
  /** Row-major [files.length, featureSize]; rows of failed files are zero. */
  features: Float32Array;
  featureSize: number;
  /** The sha256 of the bytes each file's features were computed from ('' where it failed). */
  hashes: string[];
  /** Files that could not be decoded, with the reason, in file order. */
  failed: ImageError[];
}

/** What extractFiles runs: rows of the pooled outputs of `layers`, side by side. */
export interface Embedder {
  readonly info: MobileNetInfo;
  readonly layers: readonly string[];
  readonly fit: Fit;
  /** Length of one row: the layers' feature sizes summed. */
  readonly featureSize: number;
  /** Pixels [h, w, 3] in 0..255, any size -> [n, featureSize]. */
  embed(images: tf.Tensor3D[]): tf.Tensor2D;
}

/** Everything a worker needs to rebuild an Embedder. */
export interface ExtractorSpec {
  /** A local folder or an http(s) URL of model.json (MobileNet.info.source.location). */
  location: string;
  alpha: Alpha;
  inputSize: [number, number];
  /** One layer: MobileNet.truncate; several: MultiLayerExtractor. */
  layers: string[];
  fit: Fit;
  /** Expected; the worker checks its extractor against it. */
  featureSize: number;
  /** The parent's backend, so a worker does not choose another. */
  backend?: BackendName;
}

export function extractorSpec(extractor: Embedder): ExtractorSpec {
  return {
    location: extractor.info.source.location,
    alpha: extractor.info.alpha,
    inputSize: [extractor.info.inputSize[0], extractor.info.inputSize[1]],
    layers: [...extractor.layers],
    fit: extractor.fit,
    featureSize: extractor.featureSize,
    backend: (tf.getBackend() || undefined) as BackendName | undefined,
  };
}

export const DEFAULT_BATCH_SIZE = 32;
/** Below this many files to compute, starting workers (about a second each, MobileNet included) does not pay. */
export const MIN_PARALLEL_FILES = 64;

/**
 * How many threads should compute `files` features: the `workers` option, else the pool's default
 * (KOMBAT_WORKERS, else 2 from 64 files on with a single-threaded backend: tfjs-node already uses
 * every core). Never more than there are batches.
 */
export function featureWorkers(
  files: number,
  { workers, batchSize = DEFAULT_BATCH_SIZE }: ExtractOptions = {},
): number {
  return poolSize(files, {
    requested: workers,
    minUnits: MIN_PARALLEL_FILES,
    cap: Math.ceil(files / batchSize),
    pays: tf.getBackend() !== 'tensorflow',
  });
}

const TASK_MODULE = path.join(__dirname, 'task');

/** `workers` threads for repeated extractFiles calls with this extractor (close it after); none for 1. */
export function featurePool(extractor: Embedder, workers: number): WorkerPool<ExtractorSpec> | undefined {
  return workers > 1 ? new WorkerPool(TASK_MODULE, extractorSpec(extractor), workers) : undefined;
}

/**
 * One batch's features, the sha256 of the bytes each row was computed from ('' where decoding
 * failed), and the files of it that could not be decoded (index within the batch).
 */
export interface BatchOutput {
  features: Float32Array;
  hashes: string[];
  failed: { index: number; file: string; reason: string }[];
}

/** Decodes one batch; never rejects: each entry is the image or what reading it threw. */
export function decodeBatch(files: string[]): Promise<(ReadImage | unknown)[]> {
  return Promise.all(files.map((f) => readImage(f).catch((e: unknown) => e)));
}

/**
 * Embeds the decoded images of one batch into `rows` (row i = decoded[i]; rows of failed files are
 * left untouched) and appends the ImageErrors to `failed`; any other decode error is thrown.
 */
export async function embedBatch(
  extractor: Embedder,
  decoded: (ReadImage | unknown)[],
  rows: Float32Array,
  failed: ImageError[],
): Promise<void> {
  const d = extractor.featureSize;
  const ok: { row: number; image: ReadImage }[] = [];
  decoded.forEach((r, i) => {
    if (r instanceof ImageError) failed.push(r);
    else if (r instanceof Error) throw r;
    else ok.push({ row: i, image: r as ReadImage });
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
  for (const [i, { row }] of ok.entries()) rows.set(values.subarray(i * d, (i + 1) * d), row * d);
}

/**
 * The task of one extractor (in a worker or here): decoding a batch starts at once, embedding waits
 * for the previous batch, so with two batches in flight decoding overlaps inference.
 */
export function embedFiles(extractor: Embedder): TaskFunction<string[], BatchOutput> {
  let previous: Promise<unknown> = Promise.resolve();
  return (files) => {
    const decoded = decodeBatch(files);
    const result = previous.then(async () => {
      const features = new Float32Array(files.length * extractor.featureSize);
      const failed: ImageError[] = [];
      const images = await decoded;
      await embedBatch(extractor, images, features, failed);
      const index = images.flatMap((r, i) => (r instanceof ImageError ? [i] : []));
      return {
        features,
        hashes: images.map((r) => (r instanceof ImageError ? '' : (r as ReadImage).sha256)),
        failed: failed.map((e, k) => ({ index: index[k], file: e.file, reason: e.reason })),
      };
    });
    previous = result.catch(() => undefined);
    return result;
  };
}

/** Features of every file, in file order; see the file comment. */
export async function extractFiles(
  extractor: Embedder,
  files: string[],
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batch size must be a whole number >= 1, got ${batchSize}`);
  const d = extractor.featureSize;
  const starts = Array.from({ length: Math.ceil(files.length / batchSize) }, (_, k) => k * batchSize);
  const batches = starts.map((start) => files.slice(start, start + batchSize));
  let done = 0;
  const outputs = await mapInWorkers(batches, {
    module: TASK_MODULE,
    setup: extractorSpec(extractor),
    workers: featureWorkers(files.length, options),
    pool: options.pool,
    inFlight: 2,
    label: (batch, k) => `${batch[0]} (batch of ${batch.length} from file ${starts[k] + 1} of ${files.length})`,
    local: embedFiles(extractor),
    onResult: (out, k) => {
      options.onBatchResult?.(starts[k], out);
      done += batches[k].length;
      options.onBatch?.(done, files.length);
    },
    signal: options.signal,
  });
  const features = new Float32Array(files.length * d);
  const hashes: string[] = [];
  const failed: ImageError[] = [];
  outputs.forEach((out, k) => {
    if (out.features.length !== batches[k].length * d)
      throw new Error(`a worker's features have ${out.features.length} values, expected ${batches[k].length} x ${d}`);
    features.set(out.features, starts[k] * d);
    hashes.push(...out.hashes);
    for (const f of out.failed) failed.push(new ImageError(f.file, f.reason));
  });
  return { features, featureSize: d, hashes, failed };
}
