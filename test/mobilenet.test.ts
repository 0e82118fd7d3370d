// The MobileNet loader: sources in order, the atomic download (a local HTTP server stands in for
// the official URL), the offline message, truncation, input size and flat memory.

import * as assert from 'node:assert/strict';
import { promises as fs, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { tf } from '../src/backend';
import { readImage } from '../src/image/decode';
import { loadMobileNet, type MobileNet } from '../src/mobilenet/model';
import { modelName } from '../src/mobilenet/names';
import { isCached, resolveSource } from '../src/mobilenet/source';
import { rgbTensor, toModelInput } from '../src/preprocess';
import { readSettings } from '../src/settings';
import { modelServer, needsShared, samplesDir, sharedMobileNet, tempDir } from './helpers';

async function pixelsOf(file: string): Promise<tf.Tensor3D> {
  const image = await readImage(file);
  return rgbTensor(image.data, image.width, image.height);
}

let shared: MobileNet | undefined;
async function sharedModel(): Promise<MobileNet> {
  shared ??= await loadMobileNet({ url: sharedMobileNet });
  return shared;
}

test('an explicit folder loads and the full model sees a chickadee in bird.png', { skip: needsShared }, async () => {
  const mobilenet = await sharedModel();
  assert.equal(mobilenet.info.source.kind, 'explicit');
  const top = (await mobilenet.classify([await pixelsOf(path.join(samplesDir, 'bird.png'))], 5))[0];
  assert.equal(top[0].className, 'chickadee');
  assert.ok(top[0].probability > 0.9);
  const cat = (await mobilenet.classify([await pixelsOf(path.join(samplesDir, 'cat.png'))], 1))[0];
  assert.equal(cat[0].className, 'Egyptian cat');
});

test('MOBILENET_URL is used first, as a file:// URL too', { skip: needsShared }, async () => {
  const { mobilenetUrl } = readSettings({ MOBILENET_URL: `file://${sharedMobileNet}` });
  const source = await resolveSource({ url: mobilenetUrl, cacheDir: tempDir(), baseUrl: 'http://127.0.0.1:9' });
  assert.deepEqual(source, { kind: 'explicit', location: sharedMobileNet });
});

test('download into an empty cache is complete, then the cache is used', { skip: needsShared }, async () => {
  const cacheDir = tempDir();
  const server = await modelServer(sharedMobileNet);
  try {
    assert.equal(await isCached(0.75, cacheDir), false);
    const first = await resolveSource({ cacheDir, baseUrl: server.baseUrl });
    assert.equal(first.kind, 'download');
    const expected = readdirSync(sharedMobileNet).filter((f) => f === 'model.json' || f.startsWith('group'));
    assert.deepEqual(readdirSync(first.location).sort(), expected.sort());
    assert.deepEqual(readdirSync(cacheDir), [modelName(0.75)], 'no temporary folder is left behind');
    const served = server.requests.length;
    const second = await resolveSource({ cacheDir, baseUrl: server.baseUrl });
    assert.equal(second.kind, 'cache');
    assert.equal(server.requests.length, served, 'the cache answers without the network');
    const mobilenet = await loadMobileNet({ cacheDir, baseUrl: server.baseUrl, inputSize: [64, 64] });
    assert.equal(mobilenet.info.source.kind, 'cache');
    mobilenet.dispose();
  } finally {
    await server.close();
  }
});

test('an interrupted download leaves no cache entry and no temporary files', { skip: needsShared }, async () => {
  const cacheDir = tempDir();
  const server = await modelServer(sharedMobileNet, 'group20-shard1of1');
  try {
    await assert.rejects(resolveSource({ cacheDir, baseUrl: server.baseUrl }), /not cached/);
    assert.deepEqual(readdirSync(cacheDir), []);
    assert.equal(await isCached(0.75, cacheDir), false);
  } finally {
    await server.close();
  }
});

test('offline with no cache: one message that says how to fix it', async () => {
  const cacheDir = tempDir();
  const err = await resolveSource({ cacheDir, baseUrl: 'http://127.0.0.1:9' }).then(
    () => assert.fail('expected an error'),
    (e: Error) => e,
  );
  assert.match(err.message, /MobileNet v1 alpha 0\.75 is not cached in .*mobilenet_v1_0\.75_224/);
  assert.match(err.message, /http:\/\/127\.0\.0\.1:9\/mobilenet_v1_0\.75_224\/model\.json/);
  assert.match(err.message, /MOBILENET_URL/);
  assert.deepEqual(readdirSync(cacheDir), []);
});

test('a cache folder missing a weight file is reported by name', { skip: needsShared }, async () => {
  const cacheDir = tempDir();
  const dir = path.join(cacheDir, modelName(0.75));
  await fs.cp(sharedMobileNet, dir, { recursive: true });
  await fs.chmod(dir, 0o755);
  await fs.rm(path.join(dir, 'group3-shard1of1'), { force: true });
  await assert.rejects(loadMobileNet({ cacheDir }), /group3-shard1of1: weight file listed in model\.json is missing/);
});

test('truncation: pooled spatial layers and the default layer give 768 features', { skip: needsShared }, async () => {
  const mobilenet = await sharedModel();
  const image = tf.zeros([90, 160, 3], 'int32') as tf.Tensor3D;
  for (const layer of ['conv_pw_13_relu', 'global_average_pooling2d_1', 'conv_pw_11_relu']) {
    const extractor = mobilenet.truncate(layer);
    const features = extractor.embed([image, image]);
    assert.deepEqual(features.shape, [2, extractor.featureSize]);
    features.dispose();
  }
  assert.equal(mobilenet.truncate().featureSize, 768);
  assert.throws(() => mobilenet.truncate('no_such_layer'), /cannot be cut at "no_such_layer"; cut after a block/);
  // Inside a block (its convolution or batch norm) there is nothing to cut: they are one fused step.
  assert.throws(() => mobilenet.truncate('conv_pw_13_bn'), /conv1_relu, conv_dw_1_relu \.\. .*conv_pw_13_relu/);
  image.dispose();
});

test("the folded chain gives the layers model's features, to float rounding", { skip: needsShared }, async () => {
  const mobilenet = await sharedModel();
  const pixels = await pixelsOf(path.join(samplesDir, 'bird.png'));
  for (const layer of ['conv_pw_11_relu', 'global_average_pooling2d_1']) {
    const reference = tf.model({ inputs: mobilenet.model.inputs, outputs: mobilenet.model.getLayer(layer).output });
    const [want, got] = tf.tidy(() => {
      const input = tf.stack([toModelInput(pixels, mobilenet.info.inputSize)]) as tf.Tensor4D;
      const out = reference.predict(input) as tf.Tensor;
      return [
        (out.rank === 4 ? tf.mean(out, [1, 2]) : out).dataSync(),
        mobilenet.truncate(layer).embed([pixels]).dataSync(),
      ];
    });
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
    assert.ok(worst < 1e-4, `${layer}: folded features differ by up to ${worst}`);
    assert.ok(Math.max(...want) > 0.1, `${layer}: the reference features are all near zero`);
  }
  pixels.dispose();
});

test('a smaller input keeping the 100x56 aspect loads and embeds', { skip: needsShared }, async () => {
  const small = await loadMobileNet({ url: sharedMobileNet, inputSize: [128, 224] });
  const features = small.truncate().embed([tf.zeros([56, 100, 3], 'int32') as tf.Tensor3D]);
  assert.deepEqual(features.shape, [1, 768]);
  tf.dispose(features);
  small.dispose();
});

test('memory stays flat over 10,000 images', { skip: needsShared }, async () => {
  // A 32x32 input keeps this fast; the tensor bookkeeping is the same at any size.
  const tiny = await loadMobileNet({ url: sharedMobileNet, inputSize: [32, 32] });
  const extractor = tiny.truncate();
  const images = Array.from({ length: 100 }, () => tf.zeros([24, 40, 3], 'int32') as tf.Tensor3D);
  const before = tf.memory().numTensors;
  for (let batch = 0; batch < 100; batch++) {
    const out = extractor.embed(images);
    await out.data();
    out.dispose();
    if (batch === 0) assert.equal(tf.memory().numTensors, before, 'first batch frees everything it made');
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(images);
  tiny.dispose();
});
