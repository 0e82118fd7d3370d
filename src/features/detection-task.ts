// The pool's task module for the kinds with a detector (pool/workers.ts): each worker builds the
// encoder its DetectionSetup describes (its own backend, its own MoveNet and MobileNet, from the
// locations the parent resolved) once, then runs the detection jobs it is sent (./detection.ts).
import { initWorkerBackend } from '../backend';
import type { TaskFunction } from '../pool/workers';
import { type DetectionJob, type DetectionResult, type DetectionSetup, runDetection } from './detection';
import { loadLocalEncoder } from './local-encoder';

export async function setup(data: DetectionSetup): Promise<TaskFunction<DetectionJob, DetectionResult>> {
  await initWorkerBackend(data.backend);
  const encoder = await loadLocalEncoder(data.features, data.locations);
  return (job) => runDetection(job, encoder);
}
