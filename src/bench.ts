// The two speeds that decide how long `make all` takes: MobileNet feature extraction per image
// (decode and resize included) and one epoch of dense-head training; and the one that decides
// whether the game is playable: the page's milliseconds per frame in headless Chromium.

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { type BackendName, initBackend } from './backend';
import { extractFiles } from './features';
import { type Alpha, loadMobileNet } from './mobilenet';
import { findChromium } from './report';
import { type BrowserBench, benchBrowser, type PageBackend } from './serve';
import { buildHead } from './train';
import { mulberry32, type Spread, spread } from './util';

export interface BenchResult {
  featureMsPerImage: Spread;
  trainSecondsPerEpoch: Spread;
  backend: BackendName;
  setup: {
    alpha: Alpha;
    inputSize: [number, number];
    images: number;
    batchSize: number;
    train: { samples: number; features: number; hidden: number; classes: number; batchSize: number };
    runs: number;
  };
  /** The page on the backend it picks by itself; absent when not measured. */
  browserMsPerFrame?: Spread;
  browser?: BrowserBench['browser'];
  /** Why the page was not measured although asked for (no Chromium). */
  browserSkipped?: string;
}

export interface BenchOptions {
  alpha?: Alpha;
  runs?: number;
  images?: number;
  trainSamples?: number;
  /** Also play the game page in headless Chromium for `seconds` on its own backend, then on each of `backends`. */
  browser?: { seconds?: number; backends?: PageBackend[] };
  log?: (line: string) => void;
}

/** Webcam-sized JPEGs (640x360) with seeded noise, so decode costs what a real frame costs. */
async function writeBenchImages(dir: string, count: number): Promise<string[]> {
  const rng = mulberry32(7);
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const raw = Buffer.alloc(640 * 360 * 3);
    for (let j = 0; j < raw.length; j++) raw[j] = (rng() * 256) | 0;
    const file = path.join(dir, `${i}.jpg`);
    await sharp(raw, { raw: { width: 640, height: 360, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(file);
    files.push(file);
  }
  return files;
}

export async function runBench({
  alpha = 0.75,
  runs = 5,
  images = 64,
  trainSamples = 10_000,
  browser,
  log = () => {},
}: BenchOptions = {}): Promise<BenchResult> {
  const env = await initBackend();
  const batchSize = 16;
  const mobilenet = await loadMobileNet({ alpha });
  const extractor = mobilenet.truncate();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kombat-bench-'));
  const featureMs: number[] = [];
  try {
    const files = await writeBenchImages(dir, images);
    // One thread: the figure the README reports. The first call warms up kernels and wasm memory.
    await extractFiles(extractor, files.slice(0, batchSize), { batchSize, workers: 1 });
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      await extractFiles(extractor, files, { batchSize, workers: 1 });
      featureMs.push((performance.now() - t0) / images);
      log(`features run ${r + 1}/${runs}: ${featureMs[r].toFixed(1)} ms/image`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
    mobilenet.dispose();
  }

  const train = { samples: trainSamples, features: 768, hidden: 1024, classes: 3, batchSize: 64 };
  const head = buildHead({ inputSize: train.features, hidden: train.hidden, classes: train.classes, seed: 1 });
  head.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const xs = tf.randomNormal([train.samples, train.features], 0, 1, 'float32', 1);
  const ys = tf.oneHot(tf.randomUniform([train.samples], 0, train.classes, 'int32', 2), train.classes);
  const epochSeconds: number[] = [];
  let t0 = 0;
  // One extra epoch first: the first one pays for kernel set-up and is not counted.
  await head.fit(xs, ys, {
    epochs: runs + 1,
    batchSize: train.batchSize,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        t0 = performance.now();
      },
      onEpochEnd: async (epoch) => {
        if (epoch === 0) return;
        epochSeconds.push((performance.now() - t0) / 1000);
        log(`train epoch ${epoch}/${runs}: ${epochSeconds[epoch - 1].toFixed(2)} s`);
      },
    },
  });
  tf.dispose([xs, ys]);
  head.dispose();

  const result: BenchResult = {
    featureMsPerImage: spread(featureMs),
    trainSecondsPerEpoch: spread(epochSeconds),
    backend: env.backend,
    setup: { alpha, inputSize: [224, 224], images, batchSize, train, runs },
  };
  if (!browser) return result;
  if (!findChromium()) {
    return { ...result, browserSkipped: 'no Chromium (make setup installs it, or set CHROMIUM_PATH)' };
  }
  return { ...result, ...(await benchBrowser(browser.seconds, browser.backends, {}, log)) };
}
