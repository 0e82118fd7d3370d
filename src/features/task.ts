// The pool's task module for feature extraction (pool/workers.ts): each worker rebuilds the
// extractor its ExtractorSpec describes (its own backend, its own copy of MobileNet) once, then
// embeds the batches of files it is sent (./extract.ts, embedFiles).
import { initWorkerBackend } from '../backend';
import { loadMobileNet } from '../mobilenet/model';
import type { FeatureExtractor } from '../mobilenet/network';
import type { TaskFunction } from '../pool/workers';
import { type BatchOutput, type ExtractorSpec, embedFiles } from './extract';

async function load(spec: ExtractorSpec): Promise<FeatureExtractor> {
  await initWorkerBackend(spec.backend);
  const mobilenet = await loadMobileNet({ url: spec.location, alpha: spec.alpha, inputSize: spec.inputSize });
  const extractor = mobilenet.truncate(spec.layer, spec.fit);
  if (extractor.featureSize !== spec.featureSize) {
    throw new Error(`the worker's extractor gives ${extractor.featureSize} features, the parent's ${spec.featureSize}`);
  }
  return extractor;
}

export async function setup(spec: ExtractorSpec): Promise<TaskFunction<string[], BatchOutput>> {
  return embedFiles(await load(spec));
}
