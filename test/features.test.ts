// The feature cache: hits on re-runs, identical values, corrupt or stale entries recomputed.

import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { cachedFeatures, cacheKeys, FeatureCache, keyOf, readableCacheKeys } from '../src/features/cache';
import { extractFiles } from '../src/features/extract';
import { framedKeypoints } from '../src/features/framings';
import type { PoseFeatures } from '../src/features/kinds';
import { loadMobileNet } from '../src/mobilenet/model';
import { POSE_DESCRIPTOR_V2 } from '../src/pose/descriptor';
import { KEYPOINT_ROW } from '../src/pose/keypoints';
import { sha256 } from '../src/util/hash';
import { needsShared, sharedMobileNet, tempDir } from './helpers';

async function images(dir: string, n: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const raw = Buffer.alloc(40 * 30 * 3, 0);
    for (let j = 0; j < raw.length; j++) raw[j] = (j * (i + 3)) % 251;
    const file = path.join(dir, `s0${i}_${i}.jpg`);
    await sharp(raw, { raw: { width: 40, height: 30, channels: 3 } })
      .jpeg()
      .toFile(file);
    files.push(file);
  }
  return files;
}

test('features are cached per image bytes and layer; corrupt entries are recomputed', {
  skip: needsShared,
}, async () => {
  const dir = tempDir();
  const cacheRoot = path.join(dir, 'features');
  const files = await images(dir, 5);
  await fs.writeFile(path.join(dir, 'broken.jpg'), 'not an image');
  const mobilenet = await loadMobileNet({ url: sharedMobileNet, inputSize: [64, 64] });
  const extractor = mobilenet.truncate();

  const first = await cachedFeatures(extractor, [...files, path.join(dir, 'broken.jpg')], { cacheRoot, batchSize: 2 });
  assert.equal(first.computed, 5);
  assert.equal(first.fromCache, 0);
  assert.deepEqual(
    first.failed.map((e) => path.basename(e.file)),
    ['broken.jpg'],
  );
  const direct = await extractFiles(extractor, files);
  assert.deepEqual(first.features.subarray(0, 5 * 768), direct.features);

  const second = await cachedFeatures(extractor, files, { cacheRoot });
  assert.equal(second.fromCache, 5);
  assert.equal(second.computed, 0);
  assert.deepEqual(second.features, direct.features);

  // Flip one byte of a cached value and cut another entry short: both are recomputed.
  const cache = new FeatureCache(keyOf(extractor), 768, cacheRoot);
  const hashes = await Promise.all(files.map(async (f) => sha256(await fs.readFile(f))));
  const entry = (h: string) => path.join(cache.dir, h.slice(0, 2), `${h}.f32`);
  const bytes = await fs.readFile(entry(hashes[0]));
  bytes[bytes.length - 1] ^= 0xff;
  await fs.writeFile(entry(hashes[0]), bytes);
  await fs.truncate(entry(hashes[1]), 100);
  const third = await cachedFeatures(extractor, files, { cacheRoot });
  assert.equal(third.computed, 2);
  assert.deepEqual(third.features, direct.features);

  // Another layer has its own entries, of its own size.
  const other = await cachedFeatures(mobilenet.truncate('conv_pw_12_relu'), files, { cacheRoot });
  assert.equal(other.computed, 5);
  assert.equal(other.featureSize, 768);
  mobilenet.dispose();
});

test('a cache entry of another feature size is not returned', async () => {
  const root = tempDir();
  const key = {
    variant: 'mobilenet_v1_0.75_224',
    layer: 'conv_pw_13_relu',
    inputSize: [224, 224] as const,
    fit: 'stretch' as const,
  };
  await new FeatureCache(key, 4, root).put('ab'.repeat(32), new Float32Array([1, 2, 3, 4]));
  assert.deepEqual(await new FeatureCache(key, 4, root).get('ab'.repeat(32)), new Float32Array([1, 2, 3, 4]));
  assert.equal(await new FeatureCache(key, 8, root).get('ab'.repeat(32)), undefined);
  await assert.rejects(
    new FeatureCache(key, 4, root).put('cd'.repeat(32), new Float32Array(3)),
    /features of size 3, cache holds 4/,
  );
});

test('cache keys are the sha256 of the bytes read; an unreadable one is named when all are needed', async () => {
  const dir = tempDir();
  const files = [path.join(dir, 'a.jpg'), path.join(dir, 'missing.jpg')];
  await fs.writeFile(files[0], 'a frame');
  assert.deepEqual(await cacheKeys(files), [sha256('a frame'), undefined]);
  assert.deepEqual(await readableCacheKeys(files.slice(0, 1)), [sha256('a frame')]);
  await assert.rejects(readableCacheKeys(files), { message: `cannot read ${files[1]}` });
  // Webcam framings need every frame's bytes (their crops are drawn from them): named before any detection.
  const pose: PoseFeatures = {
    kind: 'pose',
    detector: { model: 'movenet-singlepose-lightning-4', passes: 2 },
    descriptor: POSE_DESCRIPTOR_V2,
  };
  await assert.rejects(framedKeypoints(pose, files, new Float32Array(2 * KEYPOINT_ROW), { variants: 1, seed: 1 }), {
    message: `cannot read ${files[1]}`,
  });
});
