// Presets of `kombat train` and the page's training (train/presets.ts): what a preset asks for is
// what prepareFolder does (its features, its augmentation or none), and the caches go where
// `cacheDir` says, never into the project's data folder or the user's folder.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { readConfig } from '../src/config';
import { featureLayerSize, modelName } from '../src/mobilenet/names';
import { PRESETS, prepareFolder, type TrainStage } from '../src/train';
import { needsShared, shapesDataset, sharedMobileNet, snapshot, tempDir } from './helpers';

const root = tempDir('kombat-presets-');
// Settings are read on first use: this file's process sees these.
process.env.MOBILENET_URL = sharedMobileNet;
process.env.KOMBAT_DATA_DIR = path.join(root, 'project-data');

test("quick: the preset's features, no augmentation stage; caches only under cacheDir", {
  skip: needsShared,
}, async () => {
  const data = path.join(root, 'shapes');
  await shapesDataset(data);
  const before = snapshot(data);
  const cacheDir = path.join(root, 'cache');
  const stages: TrainStage[] = [];
  const config = await readConfig();
  const prepared = await prepareFolder({
    data,
    task: 'ternary',
    preset: 'quick',
    config,
    cacheDir,
    onStage: (s) => stages.push(s),
  });
  const quick = PRESETS.quick;
  assert.equal(quick.variants, 0);
  assert.deepEqual(stages, ['features']);
  assert.equal(prepared.augmented, undefined);
  assert.equal(prepared.pool.examples.length, 36);
  assert.deepEqual(prepared.features, { ...config.features, ...quick.features });
  assert.notDeepEqual(prepared.features, config.features, 'quick has features of its own');
  const { alpha, layer, inputSize } = prepared.features;
  assert.equal(prepared.pool.featureSize, featureLayerSize(layer, alpha));
  assert.equal(prepared.hyperparams.maxEpochs, quick.epochs);
  const cached = path.join(cacheDir, 'features', modelName(alpha), layer, inputSize.join('x'));
  assert.ok(existsSync(cached), `${cached}: the features are cached under cacheDir`);
  assert.ok(!existsSync(process.env.KOMBAT_DATA_DIR as string), 'the project data folder is not written');
  assert.deepEqual(snapshot(data), before);

  // Full with one variant: the augmented copies go under cacheDir too.
  const full = await prepareFolder({ data, task: 'ternary', preset: 'full', config, cacheDir, variants: 1 });
  assert.equal(full.pool.examples.length, 72);
  assert.ok(full.augmented?.dir.startsWith(path.join(cacheDir, 'augmented')), full.augmented?.dir);
  assert.deepEqual(full.features, config.features);
  assert.ok(!existsSync(process.env.KOMBAT_DATA_DIR as string), 'the project data folder is not written');
  assert.deepEqual(snapshot(data), before);
});
