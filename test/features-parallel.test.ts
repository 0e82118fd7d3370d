// Feature extraction on worker threads: bitwise the single-thread result, bad files reported by
// name, the worker count chosen and overridable, workers stopped on errors.

import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { cachedFeatures } from '../src/features/cache';
import { extractFiles, featureWorkers } from '../src/features/extract';
import { loadMobileNet, type MobileNet } from '../src/mobilenet/model';
import type { FeatureExtractor } from '../src/mobilenet/network';
import { liveWorkers } from '../src/pool/workers';
import { needsShared, sharedMobileNet, tempDir } from './helpers';

/** `n` JPEGs of assorted sizes (so resizing differs per row), with seeded content. */
async function images(dir: string, n: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const [w, h] = [40 + 8 * (i % 5), 30 + 6 * (i % 3)];
    const raw = Buffer.alloc(w * h * 3);
    for (let j = 0; j < raw.length; j++) raw[j] = (j * (i + 3) + i * 17) % 251;
    const file = path.join(dir, `p${i}.jpg`);
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
      .jpeg()
      .toFile(file);
    files.push(file);
  }
  return files;
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

let model: MobileNet | undefined;
async function extractor(layer?: string): Promise<FeatureExtractor> {
  model ??= await loadMobileNet({ url: sharedMobileNet, inputSize: [64, 64] });
  return model.truncate(layer);
}

test('2 workers give bitwise the single-thread features; a bad file is reported by name', {
  skip: needsShared,
}, async () => {
  const dir = tempDir();
  const files = await images(dir, 11);
  const broken = path.join(dir, 'broken.jpg');
  await fs.writeFile(broken, 'not an image');
  const missing = path.join(dir, 'missing.jpg');
  const list = [...files.slice(0, 3), broken, ...files.slice(3, 9), missing, ...files.slice(9)];
  const ex = await extractor();

  const single = await extractFiles(ex, list, { batchSize: 4, workers: 1 });
  const progress: number[] = [];
  const parallel = await extractFiles(ex, list, {
    workers: 2,
    batchSize: 4,
    onBatch: (done) => progress.push(done),
  });
  assert.equal(parallel.featureSize, 768);
  assert.ok(bytes(parallel.features).equals(bytes(single.features)), 'features differ from the single-thread path');
  assert.deepEqual(
    parallel.failed.map((e) => [path.basename(e.file), e.message]),
    single.failed.map((e) => [path.basename(e.file), e.message]),
  );
  assert.deepEqual(
    parallel.failed.map((e) => path.basename(e.file)),
    ['broken.jpg', 'missing.jpg'],
  );
  assert.match(parallel.failed[0].message, /broken\.jpg: /);
  // The rows of the bad files are zero, every other row is filled.
  for (let r = 0; r < list.length; r++) {
    const row = parallel.features.subarray(r * 768, (r + 1) * 768);
    assert.equal(
      row.some((v) => v !== 0),
      r !== 3 && r !== 10,
      `row ${r}`,
    );
  }
  assert.deepEqual(progress.sort((a, b) => a - b).at(-1), list.length);
  assert.equal(progress.length, 4);

  // One worker thread, and another layer and batch size, match too.
  const other = await extractor('conv_pw_12_relu');
  const three = await extractFiles(other, files, { workers: 3, batchSize: 5 });
  assert.ok(
    bytes(three.features).equals(bytes((await extractFiles(other, files, { batchSize: 5, workers: 1 })).features)),
  );
  assert.deepEqual(await extractFiles(other, [], { workers: 2 }), {
    features: new Float32Array(0),
    featureSize: 768,
    hashes: [],
    failed: [],
  });
});

test('cachedFeatures: workers 2 and workers 1 compute and cache the same values', { skip: needsShared }, async () => {
  const dir = tempDir();
  const files = await images(dir, 9);
  const ex = await extractor();
  const viaWorkers = await cachedFeatures(ex, files, { cacheRoot: path.join(dir, 'a'), batchSize: 4, workers: 2 });
  const inProcess = await cachedFeatures(ex, files, { cacheRoot: path.join(dir, 'b'), batchSize: 4, workers: 1 });
  assert.equal(viaWorkers.computed, 9);
  assert.ok(bytes(viaWorkers.features).equals(bytes(inProcess.features)));
  const again = await cachedFeatures(ex, files, { cacheRoot: path.join(dir, 'a'), workers: 1 });
  assert.equal(again.fromCache, 9);
  assert.ok(bytes(again.features).equals(bytes(inProcess.features)));
});

test('a worker that cannot build its extractor fails the call, and the workers stop', {
  skip: needsShared,
}, async () => {
  const dir = tempDir();
  const files = await images(dir, 4);
  const ex = await extractor();
  // The workers rebuild the extractor from its spec: a spec they cannot follow fails every batch.
  const lying = (patch: object) => Object.assign(Object.create(Object.getPrototypeOf(ex)), ex, patch);
  await assert.rejects(
    extractFiles(lying({ layer: 'no_such_layer' }), files, { workers: 2, batchSize: 2 }),
    /p0\.jpg \(batch of 2 from file 1 of 4\): MobileNet features cannot be cut at "no_such_layer"/,
  );
  const nowhere = { ...ex.info, source: { kind: 'explicit', location: path.join(dir, 'nowhere') } };
  await assert.rejects(
    extractFiles(lying({ info: nowhere }), files, { workers: 2, batchSize: 2 }),
    /cannot load MobileNet/,
  );
  await assert.rejects(
    extractFiles(lying({ featureSize: 5 }), files, { workers: 2, batchSize: 2 }),
    /gives 768 features, the parent's 5/,
  );
  assert.equal(liveWorkers(), 0, 'every worker stopped');
});

test('the worker count: the option, else 2 from 64 files on; never more than the batches', () => {
  const cores = require('node:os').availableParallelism() as number;
  assert.equal(featureWorkers(63), 1);
  assert.equal(featureWorkers(64), cores > 1 ? 2 : 1);
  assert.equal(featureWorkers(1000, { workers: 1 }), 1);
  assert.equal(featureWorkers(1000, { workers: 3 }), 3);
  assert.equal(featureWorkers(70, { workers: 4, batchSize: 32 }), 3, 'no more workers than batches');
  assert.equal(featureWorkers(10, { workers: 2 }), 1, 'one batch runs in-process');
  assert.throws(() => featureWorkers(100, { workers: -1 }), /whole number >= 0, got -1/);
});
