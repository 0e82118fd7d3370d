// Worker-thread entry of extractFilesParallel (./parallel.ts): rebuilds the extractor described by
// workerData.spec (own backend, own copy of MobileNet), then answers each { id, files } batch with
// { type: 'done', id, features, failed } (features transferred) or { type: 'error', id, ... }.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend';
import { ImageError } from '../image/decode';
import { type FeatureExtractor, loadMobileNet } from '../mobilenet/model';
import { decodeBatch, embedBatch } from './extract';
import type { BatchReply, BatchRequest, ExtractorSpec } from './parallel';

async function load(spec: ExtractorSpec): Promise<FeatureExtractor> {
  // The parent already announced its backend; one line per worker would only be noise.
  const log = console.error;
  console.error = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith('kombat: backend '))) log(...args);
  };
  try {
    // The parent's backend, not a fresh choice.
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

if (parentPort) {
  const port = parentPort;
  const ready = load((workerData as { spec: ExtractorSpec }).spec);
  ready.catch(() => undefined); // reported with the first batch
  let tail: Promise<unknown> = Promise.resolve();
  port.on('message', ({ id, files }: BatchRequest) => {
    const decoded = decodeBatch(files);
    tail = tail
      .then(async () => {
        const extractor = await ready;
        const features = new Float32Array(files.length * extractor.featureSize);
        const failed: ImageError[] = [];
        const images = await decoded;
        await embedBatch(extractor, images, features, failed);
        const index = images.flatMap((r, i) => (r instanceof ImageError ? [i] : []));
        const reply: BatchReply = {
          type: 'done',
          id,
          features,
          failed: failed.map((e, k) => ({ index: index[k], file: e.file, reason: e.reason })),
        };
        port.postMessage(reply, [features.buffer]);
      })
      .catch((err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        const reply: BatchReply = { type: 'error', id, message: e.message, stack: e.stack };
        port.postMessage(reply);
      });
  });
}
