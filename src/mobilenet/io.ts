// Plain @tensorflow/tfjs has no file:// loader (tfjs-node has one, but it is optional here),
// so this reads a TensorFlow.js layers-format folder: model.json plus its weight shards.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export function folderHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const jsonPath = path.join(dir, 'model.json');
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(await fs.readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (err) {
        throw new Error(`${jsonPath}: cannot read a TensorFlow.js model.json (${(err as Error).message})`);
      }
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        const files: string[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const shard of group.paths) {
            const file = path.join(dir, shard);
            const bytes = await fs.readFile(file).catch(() => {
              throw new Error(`${file}: weight file listed in model.json is missing`);
            });
            files.push(file);
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        // A short or long file would otherwise fail deep in tfjs ("Based on the provided shape ...").
        const expected = weightBytes(specs);
        const actual = buffers.reduce((sum, b) => sum + b.byteLength, 0);
        if (actual !== expected)
          throw new Error(
            `${files.join(' + ')}: ${actual} bytes, model.json lists ${expected} (truncated, or from another ` +
              'model); export or train the model again',
          );
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/** A model's location as its loader reads it: an http(s) URL of model.json, else a local folder. */
export function locationHandler(location: string): tf.io.IOHandler {
  return /^https?:\/\//.test(location) ? tf.io.http(location) : folderHandler(location);
}

/** Bytes the weights of a model.json take (quantised ones at their stored width). */
export function weightBytes(specs: readonly WeightSpec[]): number {
  return specs.reduce((sum, w) => sum + bytesPerValue(w) * w.shape.reduce((a, b) => a * b, 1), 0);
}

interface WeightSpec {
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

function bytesPerValue(w: WeightSpec): number {
  const dtype = w.quantization?.dtype ?? w.dtype;
  return dtype === 'uint8' || dtype === 'bool' ? 1 : dtype === 'uint16' || dtype === 'float16' ? 2 : 4;
}
