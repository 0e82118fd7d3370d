// The project's settings, read from the environment in this one module: where data, models and
// reports go, which TensorFlow.js backend and how many worker threads to use, where MobileNet and
// Chromium come from, and the run profile (every number that differs between a full run and a
// smoke run). Nothing else in the library reads process.env.
//
//   KOMBAT_DATA_DIR     generated datasets and feature caches (default data/)
//   KOMBAT_REPORTS_DIR  figures, results and the results page (default reports/)
//   KOMBAT_MODELS_DIR   exported classifiers and config.json (default models/; the MobileNet cache stays)
//   KOMBAT_DATASET      the dataset folder the chapters read (default <data>/builtin)
//   KOMBAT_SMOKE=1      tiny data and few epochs; outputs default to data/smoke/{data,reports,models}
//   KOMBAT_BACKEND      tensorflow | wasm | cpu (default: the fastest that loads)
//   KOMBAT_WORKERS      worker threads of every map over files (default: see pool/workers.ts)
//   KOMBAT_SAMPLE_IMAGE the photo chapter 00 classifies
//   KOMBAT_PORT         the port `kombat serve` listens on, on 127.0.0.1 (default 8642; 0: any free one)
//   KOMBAT_REAL_DATA    real webcam frames chapter 09 checks models on (a folder, or none; see transfer/real.ts)
//   MOBILENET_URL       where MobileNet comes from before the cache (see mobilenet/source.ts)
//   MOVENET_URL         where MoveNet comes from before the cache (see pose/source.ts)
//   CHROMIUM_PATH       the browser that renders figures and plays the game page headless
//   KOMBAT_NOTEBOOK_PORT the port `kombat notebook` asks for (default 8888, or a free one when it is taken)
//   JUPYTER_TOKEN       the notebook server's token (default: a random one); Jupyter's own name for it
import * as path from 'node:path';

/** src/ and dist/ both sit one level below the project root. */
export const projectRoot = path.resolve(__dirname, '..');

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export const DEFAULT_PORT = 8642;
export type BackendName = (typeof BACKENDS)[number];

/** A sweep's search space as plain numbers (sweep/space.ts names and checks it). */
export interface SpaceValues {
  learningRate: readonly number[];
  hidden: readonly number[];
  dropout: readonly number[];
  batchSize: readonly number[];
}

/** Every number that differs between a full run and a smoke run, side by side in FULL and SMOKE. */
export interface Profile {
  name: 'full' | 'smoke';
  /** The built-in dataset: synthetic people, clips each and their length cap, extraction rate. */
  builtin: { subjects: number; clipsPerSubject?: number; maxSeconds?: number; fps?: number };
  /** Chapter 00: images in the batch that times feature extraction. */
  timingBatch: number;
  /** Chapter 02: variants per training frame; samples per augmenter in the tour. */
  augment: { variants: number; samplesPerAugmenter: number };
  /** Chapter 03: the epoch budget of every head, and the latency measurement. */
  layerChoice: { maxEpochs: number; latency: { reps: number; warmup: number } };
  /** Chapters 04-05: epochs of the article's set-up, and of its full-length (500 epoch) run. */
  article: { epochs: number; fullEpochs: number };
  /** A cap on the epochs of the corrected and final set-ups (none: the configured budget). */
  maxEpochs?: number;
  /** Chapter 06: trials, their epochs, the space (none: sweep's DEFAULT_SPACE), the seed check. */
  sweep: {
    trials: number;
    maxEpochs: number;
    patience: number;
    seed: number;
    space?: SpaceValues;
    seedCheck?: { top: number; seeds: number[] };
  };
  /** Chapter 09: the webcam-style renders (people, clips, extraction rate, length cap), real frames per
   * class (none: all), frames the cost per frame is timed on. */
  transfer: {
    webcam: { subjects: number; clipsPerSubject: number; fps: number; maxSeconds?: number };
    realPerClass?: number;
    timingFrames: number;
  };
}

export const FULL: Profile = {
  name: 'full',
  builtin: { subjects: 12 },
  timingBatch: 16,
  augment: { variants: 16, samplesPerAugmenter: 5 },
  // An epoch of 570 original frames is only 9 steps: up to 300 epochs, early stopping ends most sooner.
  layerChoice: { maxEpochs: 300, latency: { reps: 15, warmup: 3 } },
  article: { epochs: 50, fullEpochs: 500 },
  // 14 of the 144 grid points: about 5-8 minutes on two cores.
  sweep: { trials: 14, maxEpochs: 40, patience: 4, seed: 1, seedCheck: { top: 3, seeds: [2, 3] } },
  transfer: { webcam: { subjects: 10, clipsPerSubject: 2, fps: 6 }, timingFrames: 12 },
};

/** The same code paths on tiny data: 3 people (the fewest a subject split takes), two epochs. */
export const SMOKE: Profile = {
  name: 'smoke',
  builtin: { subjects: 3, clipsPerSubject: 1, maxSeconds: 20, fps: 5 },
  timingBatch: 4,
  augment: { variants: 4, samplesPerAugmenter: 2 },
  layerChoice: { maxEpochs: 2, latency: { reps: 2, warmup: 1 } },
  article: { epochs: 2, fullEpochs: 2 },
  maxEpochs: 2,
  sweep: {
    trials: 2,
    maxEpochs: 2,
    patience: 1,
    seed: 1,
    // Just big enough to exercise every code path.
    space: { learningRate: [1e-3, 3e-3], hidden: [16, 32], dropout: [0, 0.5], batchSize: [4] },
  },
  transfer: { webcam: { subjects: 3, clipsPerSubject: 1, fps: 2, maxSeconds: 12 }, realPerClass: 6, timingFrames: 3 },
};

export interface Settings {
  root: string;
  dataDir: string;
  reportsDir: string;
  /** Exported classifiers and config.json. */
  modelsDir: string;
  /** The MobileNet download cache: <root>/models/mobilenet whatever moves the rest. */
  mobilenetCacheDir: string;
  /** The MoveNet download cache: <root>/models/movenet, beside MobileNet's. */
  movenetCacheDir: string;
  /** The game page's sources (<root>/web) and where `kombat serve` builds it (<root>/dist/web). */
  webDir: string;
  pageDir: string;
  /** The port `kombat serve` listens on (127.0.0.1 only). */
  port: number;
  /** The dataset folder the chapters read. */
  dataset: string;
  smoke: boolean;
  profile: Profile;
  /** Forced TensorFlow.js backend; undefined: the fastest that loads. */
  backend?: BackendName;
  /** Worker threads for maps over files; undefined: each pool's default. */
  workers?: number;
  mobilenetUrl?: string;
  movenetUrl?: string;
  /** KOMBAT_REAL_DATA as given: a folder of real frames, or "none". */
  realData?: string;
  chromium?: string;
  sampleImage?: string;
  /** PATH's folders, where executables (chromium) are looked for. */
  searchPath: string[];
  /** The chapters: <root>/notebooks. */
  notebooksDir: string;
  /** The notebook server's port and token, when set (`kombat notebook`). */
  notebook: { port?: number; token?: string };
}

/** Variables that were renamed: reading the old name would silently do nothing. */
const RENAMED: Record<string, string> = {
  KOMBAT_DATA: 'KOMBAT_DATASET',
  KOMBAT_FEATURE_WORKERS: 'KOMBAT_WORKERS',
};

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The settings an environment describes; throws naming the variable and its valid values. */
export function readSettings(env: NodeJS.ProcessEnv = process.env, root = projectRoot): Settings {
  for (const [old, now] of Object.entries(RENAMED)) {
    if (env[old] !== undefined) throw new Error(`${old} is no longer read: set ${now} instead`);
  }
  const smokeText = nonEmpty(env.KOMBAT_SMOKE);
  if (smokeText !== undefined && smokeText !== '0' && smokeText !== '1')
    throw new Error(`KOMBAT_SMOKE=${smokeText} is not 0 or 1`);
  const smoke = smokeText === '1';
  // A smoke run never writes over the full run's outputs unless a folder is named explicitly.
  const base = smoke ? path.join(root, 'data', 'smoke') : root;
  const dir = (name: string, fallback: string) => path.resolve(nonEmpty(env[name]) ?? fallback);
  const dataDir = dir('KOMBAT_DATA_DIR', path.join(base, 'data'));
  const backend = nonEmpty(env.KOMBAT_BACKEND);
  if (backend !== undefined && !(BACKENDS as readonly string[]).includes(backend))
    throw new Error(`KOMBAT_BACKEND=${backend} is not one of ${BACKENDS.join(', ')}`);
  const workersText = nonEmpty(env.KOMBAT_WORKERS);
  const workers = workersText === undefined ? undefined : Number(workersText);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1))
    throw new Error(`KOMBAT_WORKERS=${workersText} is not a whole number >= 1`);
  const notebookPortText = nonEmpty(env.KOMBAT_NOTEBOOK_PORT);
  const notebookPort = notebookPortText === undefined ? undefined : Number(notebookPortText);
  if (notebookPort !== undefined && !(Number.isInteger(notebookPort) && notebookPort >= 1 && notebookPort <= 65535))
    throw new Error(`KOMBAT_NOTEBOOK_PORT=${notebookPortText} is not a port number (1-65535)`);
  const portText = nonEmpty(env.KOMBAT_PORT);
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new Error(`KOMBAT_PORT=${portText} is not a port number 0..65535`);
  return {
    root,
    dataDir,
    reportsDir: dir('KOMBAT_REPORTS_DIR', path.join(base, 'reports')),
    modelsDir: dir('KOMBAT_MODELS_DIR', path.join(base, 'models')),
    mobilenetCacheDir: path.join(root, 'models', 'mobilenet'),
    movenetCacheDir: path.join(root, 'models', 'movenet'),
    webDir: path.join(root, 'web'),
    pageDir: path.join(root, 'dist', 'web'),
    port,
    dataset: dir('KOMBAT_DATASET', path.join(dataDir, 'builtin')),
    smoke,
    profile: smoke ? SMOKE : FULL,
    backend: backend as BackendName | undefined,
    workers,
    mobilenetUrl: nonEmpty(env.MOBILENET_URL),
    movenetUrl: nonEmpty(env.MOVENET_URL),
    realData: nonEmpty(env.KOMBAT_REAL_DATA),
    chromium: nonEmpty(env.CHROMIUM_PATH),
    sampleImage: nonEmpty(env.KOMBAT_SAMPLE_IMAGE),
    searchPath: (env.PATH ?? '').split(path.delimiter).filter(Boolean),
    notebooksDir: path.join(root, 'notebooks'),
    notebook: { port: notebookPort, token: nonEmpty(env.JUPYTER_TOKEN) },
  };
}

let current: Settings | undefined;

/** This process's settings, read from process.env on first use. */
export function settings(): Settings {
  current ??= readSettings();
  return current;
}

/** This process's settings as a smoke run (KOMBAT_SMOKE=1) would have them: `--smoke` options. */
export function smokeSettings(): Settings {
  return readSettings({ ...process.env, KOMBAT_SMOKE: '1' });
}

/**
 * The environment of a child process (the notebook server and its kernels): this process's, with
 * `extra` on top. The library hands it on; what it means is read above.
 */
export function childEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** A path relative to the project root when it lies inside it, for messages and manifests. */
export function displayPath(p: string): string {
  const rel = path.relative(projectRoot, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
