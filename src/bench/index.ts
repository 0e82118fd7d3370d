// `kombat bench`: the speeds that decide how long `make all` takes, MobileNet feature extraction per
// image (decode and resize included, on the pool's threads) and one epoch of dense-head training;
// how far the features are from the machine's limit (GFLOP/s achieved next to the measured matmul
// peak on the same backend and threads); the same network in PyTorch in the same run, where it is
// installed; and the one that decides whether the game is playable, the page's ms per frame in
// headless Chromium. Each figure is min/median/max over repeated runs: on a shared machine one run
// says little.

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { type BackendName, initBackend } from '../backend';
import { extractFiles, type FeatureSet, featurePool, featureWorkers, multiplyAdds } from '../features';
import { type Alpha, loadMobileNet } from '../mobilenet';
import { findChromium } from '../report';
import { type BrowserBench, benchBrowser, type PageBackend } from '../serve';
import { CORRECTED, trainHead } from '../train';
import { mulberry32, type Spread, spread } from '../util';
import { matmulPeak } from './peak';
import { startTorch } from './torch';

/** What `kombat bench --json` prints: exactly these keys; a figure not measured is null. */
export interface BenchResult {
  featureMsPerImage: Spread;
  trainSecondsPerEpoch: Spread;
  browserMsPerFrame: Spread | null;
  /** Summed over the `workers` threads, each multiplying 1024x1024 matrices at the same time. */
  peakGflops: Spread;
  pytorchMsPerImage: Spread | null;
  /** Threads of the feature runs and of the peak. */
  workers: number;
  backend: BackendName;
}

/** The rest of the story, for the text report and the README. */
export interface BenchDetails {
  alpha: Alpha;
  inputSize: [number, number];
  images: number;
  batchSize: number;
  runs: number;
  train: { samples: number; features: number; hidden: number; classes: number; batchSize: number };
  /** The network's arithmetic per image: its convolutions' multiply-adds (features/layers.ts), 2 FLOPs each. */
  gflopPerImage: number;
  /** Achieved by the feature runs: gflopPerImage / featureMsPerImage. */
  featureGflops: Spread;
  /**
   * The fastest this backend could possibly go: every FLOP at the matmul peak (gflopPerImage / peakGflops).
   * A PyTorch time below it cannot be matched here by any schedule of the same network.
   */
  floorMsPerImage: Spread;
  /** Achieved by PyTorch on the same network: gflopPerImage / pytorchMsPerImage. */
  pytorchGflops: Spread | null;
  pytorch: { python: string; version: string; threads: number } | { skipped: string };
  browser?: BrowserBench['browser'];
  /** Why the page was not measured although asked for (no Chromium). */
  browserSkipped?: string;
  /** 1-minute load average before and after: the machine may be shared. */
  load: [number, number];
}

export interface BenchOptions {
  alpha?: Alpha;
  /** Where MobileNet comes from (default: MOBILENET_URL, the cache, the official URL). */
  mobilenetUrl?: string;
  runs?: number;
  images?: number;
  batchSize?: number;
  /** Threads for the features (default: the pool's choice for `images` files). */
  workers?: number;
  trainSamples?: number;
  /** Also time the network in PyTorch where a Python has it (default true). */
  torch?: boolean;
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

const invert = (s: Spread, k: number): Spread => ({ min: k / s.max, median: k / s.median, max: k / s.min });

export async function runBench({
  alpha = 0.75,
  mobilenetUrl,
  runs = 5,
  images = 128,
  batchSize = 16,
  workers,
  trainSamples = 10_000,
  torch = true,
  browser,
  log = () => {},
}: BenchOptions = {}): Promise<{ result: BenchResult; details: BenchDetails }> {
  const env = await initBackend();
  const loadBefore = os.loadavg()[0];
  const threads = featureWorkers(images, { workers, batchSize });
  const mobilenet = await loadMobileNet({ alpha, url: mobilenetUrl });
  const extractor = mobilenet.truncate();
  const gflopPerImage = (2 * multiplyAdds(mobilenet, extractor.layer)) / 1e9; // 2 FLOPs per multiply-add
  const peer = torch
    ? await startTorch({ alpha, batchSize, images, threads: os.availableParallelism() })
    : { skipped: 'not asked for (--no-torch)' };
  if ('skipped' in peer) log(`PyTorch: skipped (${peer.skipped})`);
  else log(`PyTorch ${peer.version} (${peer.python}, ${peer.threads} threads)`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kombat-bench-'));
  const pool = featurePool(extractor, threads);
  const featureMs: number[] = [];
  const torchMs: number[] = [];
  try {
    const files = await writeBenchImages(dir, images);
    const options = { batchSize, workers: threads, pool };
    // Warm-up, not counted: starts the threads, loads their MobileNet, sets up kernels and memory.
    await extractFiles(extractor, files.slice(0, batchSize * threads), options);
    // Features and PyTorch take turns, so both see the same minutes of a shared machine.
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      await extractFiles(extractor, files, options);
      featureMs.push((performance.now() - t0) / images);
      let line = `run ${r + 1}/${runs}: features ${featureMs[r].toFixed(1)} ms/image on ${threads} thread(s)`;
      if (!('skipped' in peer)) {
        torchMs.push(await peer.run());
        line += `, PyTorch ${torchMs[r].toFixed(1)} ms/image`;
      }
      log(line);
    }
  } finally {
    if (!('skipped' in peer)) peer.close();
    await pool?.close();
    await fs.rm(dir, { recursive: true, force: true });
    mobilenet.dispose();
  }

  const peak = spread(await matmulPeak(threads, runs));
  log(`matmul peak on ${threads} thread(s): ${peak.median.toFixed(1)} GFLOP/s (median of ${runs})`);

  // The head as every chapter trains it (trainHead: its Adam, its batches), on random features.
  const train = { samples: trainSamples, features: 768, hidden: 1024, classes: 3, batchSize: 64 };
  const rng = mulberry32(1);
  const set: FeatureSet = {
    x: Float32Array.from({ length: train.samples * train.features }, () => rng() * 2 - 1),
    y: Int32Array.from({ length: train.samples }, () => Math.floor(rng() * train.classes)),
    featureSize: train.features,
    classes: ['punch', 'kick', 'other'],
  };
  const epochSeconds: number[] = [];
  // One extra epoch first: the first one pays for kernel set-up and is not counted.
  const trained = await trainHead(
    set,
    undefined,
    {
      ...CORRECTED.ternary,
      hidden: train.hidden,
      batchSize: train.batchSize,
      maxEpochs: runs + 1,
      patience: 0,
      seed: 1,
    },
    {
      onEpoch: (e) => {
        if (e.epoch === 1) return;
        epochSeconds.push(e.seconds);
        log(`train epoch ${e.epoch - 1}/${runs}: ${e.seconds.toFixed(2)} s`);
      },
    },
  );
  trained.model.dispose();

  const featureSpread = spread(featureMs);
  const result: BenchResult = {
    featureMsPerImage: featureSpread,
    trainSecondsPerEpoch: spread(epochSeconds),
    browserMsPerFrame: null,
    peakGflops: peak,
    pytorchMsPerImage: torchMs.length > 0 ? spread(torchMs) : null,
    workers: threads,
    backend: env.backend,
  };
  const details: BenchDetails = {
    alpha,
    inputSize: [224, 224],
    images,
    batchSize,
    runs,
    train,
    gflopPerImage,
    featureGflops: invert(featureSpread, gflopPerImage * 1000),
    floorMsPerImage: invert(peak, gflopPerImage * 1000),
    pytorchGflops: torchMs.length > 0 ? invert(spread(torchMs), gflopPerImage * 1000) : null,
    pytorch: 'skipped' in peer ? peer : { python: peer.python, version: peer.version, threads: peer.threads },
    load: [loadBefore, os.loadavg()[0]],
  };
  if (browser) {
    if (!findChromium()) details.browserSkipped = 'no Chromium (make setup installs it, or set CHROMIUM_PATH)';
    else {
      const measured = await benchBrowser(browser.seconds, browser.backends, {}, log);
      result.browserMsPerFrame = measured.browserMsPerFrame;
      details.browser = measured.browser;
    }
    details.load[1] = os.loadavg()[0];
  }
  return { result, details };
}
