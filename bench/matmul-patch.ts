// What the wasm matmul re-registration buys: one epoch of the dense head (10,000 x 768 features,
// 1024 hidden, 3 classes, batch 64) with the kernels as shipped, then with the patch.
// Run: node --import tsx bench/matmul-patch.ts   (prints JSON)
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { patchWasmMatMul } from '../src/backend';
import { buildHead } from '../src/train/head';

async function epochSeconds(): Promise<number> {
  const head = buildHead({ inputSize: 768, hidden: 1024, classes: 3, seed: 1 });
  head.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const xs = tf.randomNormal([10_000, 768], 0, 1, 'float32', 1);
  const ys = tf.oneHot(tf.randomUniform([10_000], 0, 3, 'int32', 2), 3);
  await head.fit(xs.slice(0, 640), ys.slice(0, 640), { epochs: 1, batchSize: 64, verbose: 0 }); // warm-up
  const t0 = performance.now();
  await head.fit(xs, ys, { epochs: 1, batchSize: 64, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([xs, ys]);
  head.dispose();
  return seconds;
}

(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  const shipped = await epochSeconds();
  patchWasmMatMul();
  const patched = await epochSeconds();
  console.log(
    JSON.stringify({
      backend: 'wasm',
      shippedSecondsPerEpoch: shipped,
      patchedSecondsPerEpoch: patched,
      speedup: shipped / patched,
    }),
  );
})();
