// Export -> reload -> identical predictions; quantised weights stay close; bad folders are named.

import * as assert from 'node:assert/strict';
import { promises as fs, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { initBackend, tf } from '../src/backend';
import { loadSavedModel, modelOutput, saveModel } from '../src/export/model-io';
import { buildHead } from '../src/train/head';
import { tempDir } from './helpers';

test('export, reload, identical predictions; quantised ones close and smaller', async () => {
  await initBackend();
  const dir = tempDir();
  const model = buildHead({ inputSize: 24, hidden: 16, classes: 3, dropout: 0.5, seed: 3 });
  const x = tf.randomNormal([10, 24], 0, 1, 'float32', 5);
  const expected = (model.predict(x) as tf.Tensor).dataSync();
  const meta = { classes: ['punch', 'kick', 'other'] };

  const full = await saveModel(model, path.join(dir, 'float32'), meta);
  const reloaded = await loadSavedModel<typeof meta>(path.join(dir, 'float32'));
  assert.deepEqual(reloaded.metadata, meta);
  assert.deepEqual((reloaded.model.predict(x) as tf.Tensor).dataSync(), expected);

  for (const [format, tolerance] of [
    ['uint16', 1e-3],
    ['uint8', 5e-2],
  ] as const) {
    const bytes = await saveModel(model, path.join(dir, format), meta, format);
    assert.ok(bytes < full, `${format} ${bytes} bytes < float32 ${full}`);
    const q = await loadSavedModel(path.join(dir, format));
    const got = (q.model.predict(x) as tf.Tensor).dataSync();
    const diff = Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i])));
    assert.ok(diff > 0 && diff < tolerance, `${format}: max diff ${diff}`);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['float32', 'uint16', 'uint8'], 'no temporary folders left');
});

test('a model folder missing weights or metadata is a clear error; a failed export keeps the old one', async () => {
  await initBackend();
  const dir = path.join(tempDir(), 'model');
  const model = buildHead({ inputSize: 4, hidden: 4, classes: 1, seed: 1 });
  await saveModel(model, dir, { v: 1 });
  await fs.rm(path.join(dir, 'weights.bin'));
  await assert.rejects(loadSavedModel(dir), /weights\.bin: weight file listed in model\.json is missing/);
  await saveModel(model, dir, { v: 2 });
  await fs.rm(path.join(dir, 'metadata.json'));
  await assert.rejects(loadSavedModel(dir), /metadata\.json is missing/);

  // Without metadata.json the folder is no longer recognisably a model: replaced only when forced.
  await assert.rejects(saveModel(model, dir, { v: 3 }), /model: not empty and not an exported kombat model/);
  await saveModel(model, dir, { v: 3 }, 'float32', modelOutput(true));
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  await assert.rejects(saveModel(model, dir, circular));
  assert.deepEqual((await loadSavedModel<{ v: number }>(dir)).metadata, { v: 3 });
  assert.deepEqual(readdirSync(path.dirname(dir)), ['model']);
});
