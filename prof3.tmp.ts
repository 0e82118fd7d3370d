import * as tf from '@tensorflow/tfjs';
import { initBackend } from './src/backend';
import { trainHead } from './src/train/train';
async function main() {
  await initBackend();
  const n = 9690, d = 768;
  const x = new Float32Array(n * d).map(() => Math.random());
  const y = Array.from({ length: n }, (_, i) => i % 3);
  const set = { x, y, featureSize: d, classes: ['a', 'b', 'c'] } as any;
  const hp = { hidden: 1024, dropout: 0.5, learningRate: 1e-4, batchSize: 64, maxEpochs: 1, patience: 0, loss: 'categoricalCrossentropy', balanceClasses: true, seed: 1 } as any;
  let t0 = performance.now();
  await trainHead(set, undefined, hp);
  console.log('epoch s', (performance.now() - t0) / 1000);
  const small = { ...set, x: x.subarray(0, 64 * 20 * d), y: y.slice(0, 64 * 20) };
  const prof = await tf.profile(async () => { await trainHead(small, undefined, hp); });
  const by: Record<string, number> = {};
  for (const k of prof.kernels) by[k.name] = (by[k.name] ?? 0) + (k.kernelTimeMs as number);
  const tot = Object.values(by).reduce((a, b) => a + b, 0);
  console.log('kernel total ms per step', tot / 20, 'kernels per step', prof.kernels.length / 20);
  console.log(Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${k} ${(v / 20).toFixed(2)}`).join('\n'));
}
main();
