// Independent heads trained side by side, one per worker thread of the pool (a sweep's trials, a
// chapter's set-ups). Each job is trained by trainHead, seeded as always, so a head trained in a
// worker has the weights it would have in this thread, bit for bit, whichever thread runs it. The
// worker sends back the weights; the head is rebuilt here around them.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import type { FeatureSet } from '../features/sets';
import { mapInWorkers, poolSize } from '../pool/workers';
import { buildHead } from './head';
import { type EpochLog, type Hyperparams, outputUnits, type TrainResult, trainHead } from './train';

export interface HeadJob {
  train: FeatureSet;
  val?: FeatureSet;
  hyperparams: Hyperparams;
}

/** What a worker sends back: the trained weights (in getWeights order) and how training went. */
export interface TrainedWeights extends Omit<TrainResult, 'model'> {
  weights: { shape: number[]; values: Float32Array }[];
}

export interface TrainHeadsOptions {
  /** Threads (default: the pool's choice for this many jobs, KOMBAT_WORKERS). */
  workers?: number;
  onEpoch?: (job: number, log: EpochLog) => void;
  /** Each head as it is rebuilt here (completion order); the caller owns its model. */
  onResult?: (job: number, result: TrainResult) => void;
  signal?: AbortSignal;
}

const TASK_MODULE = path.join(__dirname, 'task');

/** A FeatureSet that owns its buffers whole, so that sending it to a worker copies only its own values. */
function own(set: FeatureSet): FeatureSet {
  const whole = set.x.byteOffset === 0 && set.x.byteLength === set.x.buffer.byteLength;
  return whole ? set : { ...set, x: set.x.slice() };
}

/** Trains one job and returns its weights: what a worker runs. */
export async function trainWeights(job: HeadJob, onEpoch?: (log: EpochLog) => void): Promise<TrainedWeights> {
  const { model, ...rest } = await trainHead(job.train, job.val, job.hyperparams, { onEpoch });
  const weights = model.getWeights().map((w) => ({ shape: w.shape, values: w.dataSync() as Float32Array }));
  model.dispose();
  return { ...rest, weights };
}

/** The head `job` describes, holding `trained`'s weights. */
export function rebuildHead(job: HeadJob, trained: TrainedWeights): TrainResult {
  const { weights, ...rest } = trained;
  const hp = job.hyperparams;
  const model = buildHead({
    inputSize: job.train.featureSize,
    hidden: hp.hidden,
    classes: outputUnits(job.train.classes),
    dropout: hp.dropout,
    seed: hp.seed,
  });
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
  return { ...rest, model };
}

/**
 * Trains every job, side by side on the pool's threads, and returns the heads in job order. An
 * interrupted map rejects; the heads finished before it were already given to onResult.
 */
export async function trainHeads(jobs: readonly HeadJob[], options: TrainHeadsOptions = {}): Promise<TrainResult[]> {
  const environment = await initBackend();
  // tfjs-node already spreads one head's operations over every core: there, heads train one after another.
  const workers = poolSize(jobs.length, { requested: options.workers, pays: environment.backend !== 'tensorflow' });
  const results: TrainResult[] = new Array(jobs.length);
  await mapInWorkers(
    jobs.map((job) => ({ ...job, train: own(job.train), val: job.val && own(job.val) })),
    {
      module: TASK_MODULE,
      setup: { backend: environment.backend },
      workers,
      label: (job, i) => `head ${i + 1} of ${jobs.length} (${JSON.stringify(job.hyperparams)})`,
      local: (job, context) => trainWeights(job, (log) => context.progress(log)),
      onProgress: (log, i) => options.onEpoch?.(i, log as EpochLog),
      onResult: (trained, i) => {
        results[i] = rebuildHead(jobs[i], trained);
        options.onResult?.(i, results[i]);
      },
      signal: options.signal,
    },
  );
  return results;
}
