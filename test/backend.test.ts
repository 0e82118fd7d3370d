// The wasm BatchMatMul/_FusedMatMul re-registration must not change results: outputs and
// gradients are compared with the plain cpu backend, the reference implementation.

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { patchWasmMatMul, tf } from '../src/backend';
import { mulberry32 } from '../src/util/random';

const TOLERANCE = 1e-4;

function randomArray(seed: number, n: number): Float32Array {
  const rng = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rng() * 2 - 1);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function onBackend<T extends tf.TensorContainer>(name: string, fn: () => T): Promise<T> {
  assert.ok(await tf.setBackend(name), `backend ${name} is available`);
  await tf.ready();
  if (name === 'wasm') patchWasmMatMul();
  return tf.tidy(fn);
}

/** Batched product [2, m, k] x [2, k, n] with operands stored transposed as asked, plus both gradients. */
function batchedProduct(transposeA: boolean, transposeB: boolean): Float32Array[] {
  const [batch, m, k, n] = [2, 5, 7, 3];
  const a = tf.tensor3d(randomArray(1, batch * m * k), transposeA ? [batch, k, m] : [batch, m, k]);
  const b = tf.tensor3d(randomArray(2, batch * k * n), transposeB ? [batch, n, k] : [batch, k, n]);
  const weights = tf.tensor3d(randomArray(3, batch * m * n), [batch, m, n]);
  const f = (x: tf.Tensor, y: tf.Tensor) =>
    tf.sum(tf.mul(tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, transposeA, transposeB), weights));
  const out = tf.matMul(a, b, transposeA, transposeB);
  const [da, db] = tf.grads(f)([a, b]);
  return [out, da, db].map((t) => t.dataSync() as Float32Array);
}

/** A dense relu layer with fixed weights: output and gradients for input, kernel and bias. */
function denseLayer(): Float32Array[] {
  const [n, inputs, units] = [6, 9, 4];
  const x = tf.tensor2d(randomArray(4, n * inputs), [n, inputs]);
  const layer = tf.layers.dense({ units, activation: 'relu', inputShape: [inputs] });
  layer.apply(x);
  layer.setWeights([tf.tensor2d(randomArray(5, inputs * units), [inputs, units]), tf.tensor1d(randomArray(6, units))]);
  const loss = (input: tf.Tensor) => tf.sum(tf.square(layer.apply(input) as tf.Tensor));
  const out = layer.apply(x) as tf.Tensor;
  const dx = tf.grad(loss)(x);
  const { grads } = tf.variableGrads(() => loss(x) as tf.Scalar);
  const [kernel, bias] = layer.trainableWeights.map((w) => grads[w.originalName]);
  return [out, dx, kernel, bias].map((t) => t.dataSync() as Float32Array);
}

for (const [transposeA, transposeB] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
]) {
  test(`wasm batched matMul transposeA=${transposeA} transposeB=${transposeB} matches cpu`, async () => {
    const reference = await onBackend('cpu', () => batchedProduct(transposeA, transposeB));
    const patched = await onBackend('wasm', () => batchedProduct(transposeA, transposeB));
    ['output', 'd/da', 'd/db'].forEach((what, i) => {
      const diff = maxAbsDiff(reference[i], patched[i]);
      assert.ok(diff <= TOLERANCE, `${what}: max abs diff ${diff}`);
    });
  });
}

test('wasm dense layer output and gradients match cpu', async () => {
  const reference = await onBackend('cpu', denseLayer);
  const patched = await onBackend('wasm', denseLayer);
  ['output', 'd/dx', 'd/dkernel', 'd/dbias'].forEach((what, i) => {
    const diff = maxAbsDiff(reference[i], patched[i]);
    assert.ok(diff <= TOLERANCE, `${what}: max abs diff ${diff}`);
  });
});

test('the patched kernels are installed on wasm', async () => {
  await onBackend('wasm', () => undefined);
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const fn = tf.getKernel(name, 'wasm').kernelFunc as { plainProduct?: boolean };
    assert.equal(fn.plainProduct, true, `${name} is re-registered`);
  }
});

/**
 * A product whose second operand is large and new, as a dense layer's kernel is at every training
 * step (the patch then computes (B^T A^T)^T), fused with bias and relu as a dense layer does, twice
 * with the same operand (the second time directly), and the dense layer's gradients at that size.
 */
function largeProducts(): Float32Array[] {
  const [m, k, n] = [8, 256, 512];
  const a = tf.tensor2d(randomArray(7, m * k), [m, k]);
  const b = tf.tensor2d(randomArray(8, k * n), [k, n]);
  const bias = tf.tensor1d(randomArray(9, n));
  const fused = () => tf.fused.matMul({ a, b: tf.add(b, 0), bias, activation: 'relu' });
  const again = tf.add(b, 0);
  const first = tf.matMul(a, again);
  const second = tf.matMul(a, again);
  const weights = tf.tensor2d(randomArray(10, m * n), [m, n]);
  const f = (x: tf.Tensor, y: tf.Tensor) =>
    tf.sum(tf.mul(tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias, activation: 'relu' }), weights));
  const [da, db] = tf.grads(f)([a, tf.add(b, 0)]);
  return [fused(), first, second, da, db].map((t) => t.dataSync() as Float32Array);
}

test('wasm products with a large new second operand (swapped), fused and plain, match cpu', async () => {
  const reference = await onBackend('cpu', largeProducts);
  const patched = await onBackend('wasm', largeProducts);
  ['fused with bias and relu', 'first product', 'second product, same operand', 'd/da', 'd/db'].forEach((what, i) => {
    const diff = maxAbsDiff(reference[i], patched[i]);
    assert.ok(diff <= TOLERANCE * 10, `${what}: max abs diff ${diff}`);
  });
  assert.ok(Math.max(...reference[0]) > 1, 'the products are not trivially zero');
});
