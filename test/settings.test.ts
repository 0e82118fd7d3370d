// Settings come from the environment in one place: defaults, the smoke profile moving every output,
// explicit folders winning, and bad values refused with the variable and the valid choices.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { configPath } from '../src/config';
import { FULL, readSettings, SMOKE } from '../src/settings';

const root = '/project';

test('defaults: data, reports and models below the project, the full profile', () => {
  const s = readSettings({}, root);
  assert.equal(s.dataDir, '/project/data');
  assert.equal(s.reportsDir, '/project/reports');
  assert.equal(s.modelsDir, '/project/models');
  assert.equal(s.mobilenetCacheDir, '/project/models/mobilenet');
  assert.equal(s.dataset, '/project/data/builtin');
  assert.deepEqual([s.webDir, s.pageDir, s.port], ['/project/web', '/project/dist/web', 8642]);
  assert.equal(s.smoke, false);
  assert.equal(s.profile, FULL);
  assert.equal(s.backend, undefined);
  assert.equal(s.workers, undefined);
  assert.equal(configPath(s.modelsDir), '/project/models/config.json');
});

test('a smoke run moves every output together, and explicit folders win', () => {
  const s = readSettings({ KOMBAT_SMOKE: '1' }, root);
  assert.equal(s.profile, SMOKE);
  assert.deepEqual(
    [s.dataDir, s.reportsDir, s.modelsDir, s.dataset],
    [
      '/project/data/smoke/data',
      '/project/data/smoke/reports',
      '/project/data/smoke/models',
      '/project/data/smoke/data/builtin',
    ],
  );
  assert.equal(s.mobilenetCacheDir, '/project/models/mobilenet', 'the MobileNet cache is shared');
  const moved = readSettings(
    { KOMBAT_SMOKE: '1', KOMBAT_DATA_DIR: 'scratch/d', KOMBAT_MODELS_DIR: '/m', KOMBAT_DATASET: '/mine' },
    root,
  );
  assert.equal(moved.dataDir, path.resolve('scratch/d'));
  assert.equal(moved.modelsDir, '/m');
  assert.equal(moved.reportsDir, '/project/data/smoke/reports');
  assert.equal(moved.dataset, '/mine');
});

test('backend, workers and the other variables are read and checked', () => {
  const s = readSettings(
    { KOMBAT_BACKEND: 'cpu', KOMBAT_WORKERS: '3', MOBILENET_URL: 'http://x/m', CHROMIUM_PATH: '/c', KOMBAT_PORT: '0' },
    root,
  );
  assert.deepEqual([s.backend, s.workers, s.mobilenetUrl, s.chromium, s.port], ['cpu', 3, 'http://x/m', '/c', 0]);
  assert.throws(() => readSettings({ KOMBAT_PORT: '70000' }, root), /KOMBAT_PORT=70000 is not a port number 0..65535/);
  assert.equal(readSettings({ KOMBAT_WORKERS: ' ' }, root).workers, undefined, 'blank is unset');
  assert.throws(
    () => readSettings({ KOMBAT_BACKEND: 'gpu' }, root),
    /KOMBAT_BACKEND=gpu is not one of tensorflow, wasm, cpu/,
  );
  assert.throws(() => readSettings({ KOMBAT_WORKERS: 'two' }, root), /KOMBAT_WORKERS=two is not a whole number >= 1/);
  assert.throws(() => readSettings({ KOMBAT_WORKERS: '0' }, root), /KOMBAT_WORKERS=0/);
  assert.throws(() => readSettings({ KOMBAT_SMOKE: 'yes' }, root), /KOMBAT_SMOKE=yes is not 0 or 1/);
  assert.throws(() => readSettings({ KOMBAT_DATA: 'x' }, root), /KOMBAT_DATA is no longer read: set KOMBAT_DATASET/);
  assert.throws(() => readSettings({ KOMBAT_FEATURE_WORKERS: '2' }, root), /set KOMBAT_WORKERS/);
});

test('the notebook server: its port and token, the chapters folder', () => {
  const s = readSettings({ KOMBAT_NOTEBOOK_PORT: '8890', JUPYTER_TOKEN: 'abc' }, root);
  assert.deepEqual(s.notebook, { port: 8890, token: 'abc' });
  assert.equal(s.notebooksDir, '/project/notebooks');
  assert.deepEqual(readSettings({ JUPYTER_TOKEN: '' }, root).notebook, { port: undefined, token: undefined });
  for (const bad of ['0', '70000', '88.5', 'http'])
    assert.throws(
      () => readSettings({ KOMBAT_NOTEBOOK_PORT: bad }, root),
      new RegExp(`KOMBAT_NOTEBOOK_PORT=${bad.replace('.', '\\.')} is not a port number`),
    );
});

test('the profiles differ only in numbers, and smoke is smaller everywhere', () => {
  assert.ok(SMOKE.builtin.subjects < FULL.builtin.subjects);
  assert.ok(SMOKE.augment.variants < FULL.augment.variants);
  assert.ok(SMOKE.layerChoice.maxEpochs < FULL.layerChoice.maxEpochs);
  assert.ok(SMOKE.article.fullEpochs < FULL.article.fullEpochs);
  assert.ok(SMOKE.sweep.trials < FULL.sweep.trials);
  assert.equal(FULL.maxEpochs, undefined, 'a full run trains the configured epochs');
});
