// Exported classifiers: a TensorFlow.js layers-format folder (model.json + weights.bin) plus
// metadata.json, written to a temporary folder and renamed into place, so an interrupted export
// never leaves a half-written model. Weights can be stored quantised (./quantise.ts), which tfjs
// dequantises on load.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { folderHandler } from '../mobilenet/io';
import { writeDirAtomic } from '../util/fs';
import type { ModelFolder } from './load';
import { quantise, type WeightFormat } from './quantise';

export interface SavedModel<M> {
  model: tf.LayersModel;
  metadata: M;
}

/** Writes model.json, weights.bin and metadata.json into `dir` atomically; returns the weight bytes. */
export async function saveModel<M>(
  model: tf.LayersModel,
  dir: string,
  metadata: M,
  format: WeightFormat = 'float32',
): Promise<number> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightSpecs || !artifacts.weightData) throw new Error('the model produced no weights to save');
  const all = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const spec of artifacts.weightSpecs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const raw = all.slice(offset, offset + n * 4);
    offset += n * 4;
    if (format === 'float32' || spec.dtype !== 'float32') {
      specs.push(spec);
      parts.push(raw);
    } else {
      const { bytes, quantization } = quantise(new Float32Array(raw.buffer), format);
      specs.push({ ...spec, quantization });
      parts.push(bytes);
    }
  }
  const weights = Buffer.concat(parts);
  const modelJSON = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  await writeDirAtomic(dir, async (tmp) => {
    await fs.writeFile(path.join(tmp, 'model.json'), JSON.stringify(modelJSON));
    await fs.writeFile(path.join(tmp, 'weights.bin'), weights);
    await fs.writeFile(path.join(tmp, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
  });
  return weights.length;
}

/** Loads an exported model folder; a missing model.json, weight file or metadata.json is named. */
export async function loadSavedModel<M>(dir: string): Promise<SavedModel<M>> {
  for (const file of ['model.json', 'metadata.json']) {
    await fs.access(path.join(dir, file)).catch(() => {
      throw new Error(`${path.join(dir, file)} is missing: ${dir} is not an exported kombat model`);
    });
  }
  const metadata = JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')) as M;
  const model = await tf.loadLayersModel(folderHandler(dir));
  return { model, metadata };
}

/** An exported model folder on disk, for the shared loader in ./load. */
export function localFolder(dir: string): ModelFolder {
  return {
    location: dir,
    readText: (file) => fs.readFile(path.join(dir, file), 'utf8').catch(() => undefined),
    handler: () => folderHandler(dir),
  };
}
