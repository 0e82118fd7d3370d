// `kombat bench`: the network's arithmetic, the JSON's exact keys with both threads busy, the
// PyTorch peer where a Python has it (else the reason), and no thread left behind.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBench } from '../src/bench';
import { modelFlops } from '../src/bench/flops';
import { startTorch } from '../src/bench/torch';
import { loadMobileNet } from '../src/mobilenet/model';
import { liveWorkers } from '../src/pool/workers';
import { needsShared, sharedMobileNet } from './helpers';

test('MobileNet v1 0.75 at 224x224 to global average pooling: 325 million multiply-adds', {
  skip: needsShared,
}, async () => {
  const mobilenet = await loadMobileNet({ url: sharedMobileNet });
  try {
    // Independently: the 3x3 stem, then per block a 3x3 depthwise and a 1x1 pointwise convolution.
    const blocks: [number, number][] = [
      [64, 1],
      [128, 2],
      [128, 1],
      [256, 2],
      [256, 1],
      [512, 2],
    ];
    blocks.push(...Array.from({ length: 5 }, (): [number, number] => [512, 1]), [1024, 2], [1024, 1]);
    let size = 112;
    let cin = 24;
    let macs = size * size * 3 * 3 * 3 * cin;
    for (const [c, stride] of blocks) {
      size /= stride;
      const cout = c * 0.75;
      macs += size * size * 9 * cin + size * size * cin * cout;
      cin = cout;
    }
    assert.ok(Math.abs(macs / 1e6 - 325) < 3, `the paper's 325 million, got ${macs / 1e6}`);
    assert.equal(modelFlops(mobilenet.truncate().model), 2 * macs);
  } finally {
    mobilenet.dispose();
  }
});

test('the JSON has exactly its keys; two threads for features and peak; none left after', {
  skip: needsShared,
}, async () => {
  const { result, details } = await runBench({
    mobilenetUrl: sharedMobileNet,
    runs: 2,
    images: 32,
    workers: 2,
    trainSamples: 256,
    torch: false,
  });
  assert.deepEqual(Object.keys(result).sort(), [
    'backend',
    'browserMsPerFrame',
    'featureMsPerImage',
    'peakGflops',
    'pytorchMsPerImage',
    'trainSecondsPerEpoch',
    'workers',
  ]);
  assert.equal(result.workers, 2);
  for (const s of [result.featureMsPerImage, result.trainSecondsPerEpoch, result.peakGflops]) {
    assert.ok(s.min > 0 && s.min <= s.median && s.median <= s.max, JSON.stringify(s));
  }
  assert.equal(result.pytorchMsPerImage, null);
  assert.equal(result.browserMsPerFrame, null);
  assert.deepEqual(details.pytorch, { skipped: 'not asked for (--no-torch)' });
  assert.ok(
    Math.abs(details.featureGflops.median - (details.gflopPerImage * 1000) / result.featureMsPerImage.median) < 1e-9,
  );
  assert.equal(liveWorkers(), 0);
});

test('the PyTorch peer times the network where a Python has PyTorch, else says why', async () => {
  const peer = await startTorch({ alpha: 0.75, batchSize: 2, images: 2, threads: 1 });
  if ('skipped' in peer) {
    assert.match(peer.skipped, /has no PyTorch|ENOENT/);
    return;
  }
  try {
    assert.match(peer.version, /^\d+\.\d+/);
    assert.equal(peer.threads, 1);
    const ms = await peer.run();
    assert.ok(ms > 0 && Number.isFinite(ms), `${ms} ms/image`);
  } finally {
    peer.close();
  }
});
