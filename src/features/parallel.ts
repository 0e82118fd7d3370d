// Feature extraction on several cores. The wasm backend runs on one thread, so each worker thread
// gets its own backend and its own copy of MobileNet, rebuilt from an ExtractorSpec. The files are
// cut into the very batches extractFiles uses, and each batch goes through the same embedBatch,
// so the features are bitwise those of the single-thread path. Workers take the next batch when
// they finish one (a shared queue), and are terminated at the end and on any error.
import * as tf from '@tensorflow/tfjs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../backend';
import { ImageError } from '../image/decode';
import type { FeatureExtractor } from '../mobilenet/model';
import type { Alpha } from '../mobilenet/source';
import type { Fit } from '../preprocess';
import { settings } from '../settings';
import type { ExtractOptions, ExtractResult } from './extract';

/** Everything a worker needs to rebuild an extractor. */
export interface ExtractorSpec {
  /** A local folder or an http(s) URL of model.json (MobileNet.info.source.location). */
  location: string;
  alpha: Alpha;
  inputSize: [number, number];
  layer: string;
  fit: Fit;
  /** Expected; the worker checks its extractor against it. */
  featureSize: number;
  /** The backend to use; default: the worker's own choice (initBackend). */
  backend?: BackendName;
}

export function extractorSpec(extractor: FeatureExtractor): ExtractorSpec {
  return {
    location: extractor.info.source.location,
    alpha: extractor.info.alpha,
    inputSize: [extractor.info.inputSize[0], extractor.info.inputSize[1]],
    layer: extractor.layer,
    fit: extractor.fit,
    featureSize: extractor.featureSize,
    backend: (tf.getBackend() || undefined) as BackendName | undefined,
  };
}

export interface ParallelOptions extends ExtractOptions {
  /** Worker threads; default 2. Never more than there are batches. */
  workers?: number;
}

/** Worker protocol (./worker.ts). `id` is the batch's first row. */
export interface BatchRequest {
  id: number;
  files: string[];
}

export type BatchReply =
  | { type: 'done'; id: number; features: Float32Array; failed: { index: number; file: string; reason: string }[] }
  | { type: 'error'; id: number; message: string; stack?: string };

/** Below this many files to compute, starting workers (about a second each) does not pay. */
export const MIN_PARALLEL_FILES = 64;
export const DEFAULT_WORKERS = 2;
const DEFAULT_BATCH_SIZE = 32; // as extractFiles

/**
 * How many threads should compute `files` features: 1 means in-process (extractFiles). The
 * `workers` option wins, then $KOMBAT_FEATURE_WORKERS, else 2 when there are at least 64 files,
 * more than one core and a single-threaded backend (wasm, cpu; tfjs-node uses every core already).
 * Never more than there are batches.
 */
export function featureWorkers(
  files: number,
  { workers, batchSize = DEFAULT_BATCH_SIZE }: ParallelOptions = {},
): number {
  let n = workers ?? envWorkers();
  if (n === undefined) {
    const cores = os.cpus().length;
    n =
      files >= MIN_PARALLEL_FILES && cores > 1 && tf.getBackend() !== 'tensorflow'
        ? Math.min(DEFAULT_WORKERS, cores)
        : 1;
  }
  if (!Number.isInteger(n) || n < 1) throw new Error(`feature workers must be a whole number >= 1, got ${n}`);
  return Math.max(1, Math.min(n, Math.ceil(files / batchSize)));
}

function envWorkers(): number | undefined {
  return settings().workers;
}

function startWorker(spec: ExtractorSpec): Worker {
  const workerData = { spec };
  if (__filename.endsWith('.ts')) {
    // Running from source (tests, tsx): the worker needs tsx's require hook too.
    const file = path.join(__dirname, 'task.ts');
    const tsx = require.resolve('tsx/cjs');
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, { eval: true, workerData });
  }
  return new Worker(path.join(__dirname, 'task.js'), { workerData });
}

/**
 * extractFiles on worker threads: same result (bitwise), same failed files in the same order.
 * onBatch gets the number of files done so far, in completion order.
 */
export async function extractFilesParallel(
  spec: ExtractorSpec,
  files: string[],
  { workers = DEFAULT_WORKERS, batchSize = DEFAULT_BATCH_SIZE, onBatch }: ParallelOptions = {},
): Promise<ExtractResult> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batch size must be a whole number >= 1, got ${batchSize}`);
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`feature workers must be a whole number >= 1, got ${workers}`);
  const d = spec.featureSize;
  const features = new Float32Array(files.length * d);
  const failed: { row: number; error: ImageError }[] = [];
  const starts: number[] = [];
  for (let start = 0; start < files.length; start += batchSize) starts.push(start);
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let finished = 0;
      let done = 0;
      const feed = (worker: Worker) => {
        if (next >= starts.length) return;
        const start = starts[next++];
        const request: BatchRequest = { id: start, files: files.slice(start, start + batchSize) };
        worker.postMessage(request);
      };
      const onReply = (worker: Worker, reply: BatchReply) => {
        if (reply.type === 'error') {
          const err = new Error(`feature worker, batch at file ${reply.id} (${files[reply.id]}): ${reply.message}`);
          if (reply.stack) err.stack = `${err.message}\n--- in the worker:\n${reply.stack}`;
          throw err;
        }
        const rows = reply.features.length / d;
        features.set(reply.features, reply.id * d);
        for (const f of reply.failed) failed.push({ row: reply.id + f.index, error: new ImageError(f.file, f.reason) });
        done += rows;
        finished++;
        onBatch?.(done, files.length);
        if (finished === starts.length) resolve();
        else feed(worker);
      };
      for (let k = 0; k < Math.min(workers, starts.length); k++) {
        const worker = startWorker(spec);
        pool.push(worker);
        worker.on('message', (reply: BatchReply) => {
          try {
            onReply(worker, reply);
          } catch (err) {
            reject(err);
          }
        });
        worker.on('error', reject);
        worker.on('messageerror', reject);
        worker.on('exit', (code) =>
          reject(new Error(`feature worker stopped (exit code ${code}) before the work was done`)),
        );
        feed(worker);
      }
      if (starts.length === 0) resolve();
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  failed.sort((a, b) => a.row - b.row);
  return { features, featureSize: d, failed: failed.map((f) => f.error) };
}
