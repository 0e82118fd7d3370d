// The pool's task module for feature extraction (pool/workers.ts): each worker rebuilds the
// extractor its ExtractorSpec describes (its own backend, its own copy of MobileNet) once, then
// embeds the batches of files it is sent (./extract.ts, embedFiles).
import { initWorkerBackend } from '../backend';
import { loadMobileNet } from '../mobilenet/model';
import type { TaskFunction } from '../pool/workers';
import { type BatchOutput, type Embedder, type ExtractorSpec, embedFiles } from './extract';
import { MultiLayerExtractor } from './layers';

async function load(spec: ExtractorSpec): Promise<Embedder> {
  await initWorkerBackend(spec.backend);
  const mobilenet = await loadMobileNet({ url: spec.location, alpha: spec.alpha, inputSize: spec.inputSize });
  const extractor =
    spec.layers.length === 1
      ? mobilenet.truncate(spec.layers[0], spec.fit)
      : new MultiLayerExtractor(mobilenet, spec.layers, spec.fit);
  if (extractor.featureSize !== spec.featureSize) {
    throw new Error(`the worker's extractor gives ${extractor.featureSize} features, the parent's ${spec.featureSize}`);
  }
  return extractor;
}

export async function setup(spec: ExtractorSpec): Promise<TaskFunction<string[], BatchOutput>> {
  return embedFiles(await load(spec));
}
