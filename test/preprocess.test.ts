// The shared preprocessing: scaling to [-1, 1], stretch as the article, letterbox for other aspects.

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend, tf } from '../src/backend';
import { rgbTensor, toModelInput } from '../src/preprocess';

test('pixels scale to [-1, 1] without resizing when the size matches', async () => {
  await initBackend();
  const px = rgbTensor(Uint8Array.from([0, 255, 51, 204, 102, 153]), 2, 1);
  const out = toModelInput(px, [1, 2]);
  assert.deepEqual(
    Array.from(out.dataSync(), (v) => Math.round(v * 100) / 100),
    [-1, 1, -0.6, 0.6, -0.2, 0.2],
  );
});

test('letterbox keeps the aspect and pads with mid-grey; same aspect equals stretch', () => {
  const white = tf.fill([40, 40, 3], 255, 'int32') as tf.Tensor3D;
  const boxed = toModelInput(white, [20, 60], 'letterbox');
  assert.deepEqual(boxed.shape, [20, 60, 3]);
  const rows = boxed.arraySync() as number[][][];
  assert.equal(rows[10][0][0], 0, 'left bar is grey (0)');
  assert.equal(rows[10][59][2], 0, 'right bar is grey (0)');
  assert.ok(Math.abs(rows[10][30][1] - 1) < 1e-6, 'the image itself stays white');
  const barColumns = rows[10].filter((px) => px[0] === 0).length;
  assert.equal(barColumns, 40, '20x20 image in the middle of 60 columns');

  const frame = tf.randomUniform([18, 32, 3], 0, 255, 'int32', 3) as tf.Tensor3D;
  assert.deepEqual(
    toModelInput(frame, [9, 16], 'letterbox').dataSync(),
    toModelInput(frame, [9, 16], 'stretch').dataSync(),
  );
  const stretched = toModelInput(white, [20, 60], 'stretch').dataSync();
  assert.ok(
    stretched.every((v) => Math.abs(v - 1) < 1e-6),
    'stretch fills the whole input',
  );
});
