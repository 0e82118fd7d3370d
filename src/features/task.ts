// The pool's task module for feature extraction (pool/workers.ts): each worker rebuilds the
// extractor its ExtractorSpec describes (its own backend, its own copy of MobileNet) once, then
// embeds the batches of files it is sent (./extract.ts, embedFiles).
import { initBackend } from '../backend';
import { loadMobileNet } from '../mobilenet/model';
import type { FeatureExtractor } from '../mobilenet/network';
import type { TaskFunction } from '../pool/workers';
import { type BatchOutput, type ExtractorSpec, embedFiles } from './extract';

async function load(spec: ExtractorSpec): Promise<FeatureExtractor> {
  // The parent already announced its backend; one line per worker would only be noise.
  const log = console.error;
  console.error = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith('kombat: backend '))) log(...args);
  };
  try {
    await initBackend(spec.backend);
  } finally {
    console.error = log;
  }
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
