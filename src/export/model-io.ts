// Exported classifiers: a TensorFlow.js layers-format folder (model.json + weights.bin) plus
// metadata.json, written to a temporary folder and renamed into place, so an interrupted export
// never leaves a half-written model. Weights can be stored quantised (./quantise.ts), which tfjs
// dequantises on load.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DATASET } from '../data/layout';
import { folderHandler } from '../mobilenet/io';
import { exists, type FolderKind, type OutputRule, readJsonIfPresent, writeDirAtomic } from '../util/fs';
import type { ModelFolder } from './load';
import { quantise, type WeightFormat } from './quantise';

/** An exported model folder: model.json, and the metadata.json that kombat writes beside it. */
export const EXPORTED_MODEL: FolderKind = {
  name: 'an exported kombat model',
  sign: 'model.json and metadata.json',
  async is(dir) {
    if (!(await exists(path.join(dir, 'model.json')))) return false;
    const metadata = await fs.readFile(path.join(dir, 'metadata.json'), 'utf8').then(
      (text) => JSON.parse(text) as unknown,
      () => undefined,
    );
    return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata);
  },
};

/** What a model folder may replace: a missing or empty folder or another model; with force, no dataset. */
export function modelOutput(force = false): OutputRule {
  return { kind: EXPORTED_MODEL, force, protect: [DATASET] };
}

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
  output: OutputRule = modelOutput(),
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
  await writeDirAtomic(
    dir,
    async (tmp) => {
      await fs.writeFile(path.join(tmp, 'model.json'), JSON.stringify(modelJSON));
      await fs.writeFile(path.join(tmp, 'weights.bin'), weights);
      await fs.writeFile(path.join(tmp, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    },
    output,
  );
  return weights.length;
}

/** Loads an exported model folder; a missing model.json, weight file or metadata.json is named. */
export async function loadSavedModel<M>(dir: string): Promise<SavedModel<M>> {
  for (const file of ['model.json', 'metadata.json']) {
    await fs.access(path.join(dir, file)).catch(() => {
      throw new Error(`${path.join(dir, file)} is missing: ${dir} is not an exported kombat model`);
    });
  }
  const metadata = (await readJsonIfPresent<M>(path.join(dir, 'metadata.json'))) as M;
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
