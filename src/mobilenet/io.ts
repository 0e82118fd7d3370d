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
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const shard of group.paths) {
            const file = path.join(dir, shard);
            const bytes = await fs.readFile(file).catch(() => {
              throw new Error(`${file}: weight file listed in model.json is missing`);
            });
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}
