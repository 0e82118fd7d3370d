// `kombat bench`: the JSON's exact keys with both threads busy, the
// PyTorch peer where a Python has it (else the reason), and no thread left behind.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBench } from '../src/bench';
import { startTorch } from '../src/bench/torch';
import { liveWorkers } from '../src/pool/workers';
import { stageDurations } from '../src/serve/capture-bench';
import { needsShared, sharedMobileNet } from './helpers';

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
  assert.ok(
    Math.abs(details.floorMsPerImage.median - (details.gflopPerImage * 1000) / result.peakGflops.median) < 1e-9,
    'the floor is every FLOP at the median peak',
  );
  assert.equal(details.pytorchGflops, null);
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

test('bench --capture: each stage lasts until the next begins, the last until the end (never below 0)', () => {
  const starts: [string, number][] = [
    ['start', 0],
    ['features', 0.5],
    ['cross-validation', 7.25],
    ['final', 9],
    ['export', 9.4],
  ];
  assert.deepEqual(stageDurations(starts, 9.5), {
    start: 0.5,
    features: 6.75,
    'cross-validation': 1.75,
    final: 0.4,
    export: 0.1,
  });
  // Starts come rounded to 0.1 s from the server's clock: the last may fall just past the bench's end.
  assert.deepEqual(
    stageDurations(
      [
        ['start', 0],
        ['export', 17],
      ],
      16.99,
    ),
    { start: 17, export: 0 },
  );
});
