// The pool's task module for training heads (./parallel.ts): each worker sets up its backend once,
// then trains the jobs it is sent and returns their weights.
import { type BackendName, initWorkerBackend } from '../backend';
import type { TaskFunction } from '../pool/workers';
import { type HeadJob, type TrainedWeights, trainWeights } from './parallel';
import type { EpochLog } from './train';

export async function setup({ backend }: { backend?: BackendName }): Promise<TaskFunction<HeadJob, TrainedWeights>> {
  await initWorkerBackend(backend);
  return (job, context) => trainWeights(job, (log: EpochLog) => context.progress(log));
}
