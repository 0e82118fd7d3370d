// Memory stays flat over many images with two worker threads: the process's resident memory (all
// threads) after the first batches against the peak of the last ones, on webcam-sized frames whose
// decoded pixels and full-size tensors would add megabytes per image if any were kept. In this
// thread, every tensor of a batch is released. (bench/memory.ts measures 10,000 images.)
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { extractFiles } from '../src/features/extract';
import { loadMobileNet } from '../src/mobilenet/model';
import { liveWorkers } from '../src/pool/workers';
import { mulberry32 } from '../src/util/random';
import { needsShared, sharedMobileNet, tempDir } from './helpers';

async function frames(n: number): Promise<string[]> {
  const dir = tempDir();
  const rng = mulberry32(5);
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const raw = Buffer.alloc(640 * 360 * 3);
    for (let j = 0; j < raw.length; j++) raw[j] = (rng() * 256) | 0;
    const file = path.join(dir, `f${i}.jpg`);
    await sharp(raw, { raw: { width: 640, height: 360, channels: 3 } })
      .jpeg()
      .toFile(file);
    files.push(file);
  }
  return files;
}

test('memory: flat over 240 frames on 2 workers; no tensor left in this thread', { skip: needsShared }, async () => {
  const distinct = await frames(8);
  const files = Array.from({ length: 240 }, (_, i) => distinct[i % distinct.length]);
  const mobilenet = await loadMobileNet({ url: sharedMobileNet, inputSize: [64, 64] });
  try {
    const extractor = mobilenet.truncate();
    const rss: number[] = [];
    await extractFiles(extractor, files, {
      workers: 2,
      batchSize: 4,
      onBatch: () => rss.push(process.memoryUsage().rss / 2 ** 20),
    });
    assert.equal(rss.length, 60);
    assert.equal(liveWorkers(), 0);
    // A frame's pixels and tensors are about 6 MiB: keeping one per image would add well over 1 GiB.
    const early = Math.max(...rss.slice(5, 15));
    const late = Math.max(...rss.slice(-10));
    assert.ok(late - early < 96, `resident memory grew from ${early.toFixed(0)} to ${late.toFixed(0)} MiB`);

    const before = tf.memory().numTensors;
    await extractFiles(extractor, files.slice(0, 12), { workers: 1, batchSize: 4 });
    assert.equal(tf.memory().numTensors, before, 'tensors left behind by extraction in this thread');
  } finally {
    mobilenet.dispose();
  }
});
