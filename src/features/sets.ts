// From a dataset folder to labelled feature matrices per split: the input of every training run.
// The split is by subject (split.json, or a seeded one when the folder has none); augmented variants
// (a folder written by `kombat augment`) join the training split only.
import * as path from 'node:path';
import { type DatasetEntry, validIndex } from '../data/entries';
import { SPLITS, type Split, type SplitName, splitBySubject, splitOf } from '../data/split';
import { labelIndex, TASK_CLASSES, type Task } from '../data/tasks';
import { unreadableImages } from '../image/decode';
import type { FeatureExtractor } from '../mobilenet/network';
import { cachedFeatures } from './cache';
import { frameFeatures } from './frames';
import type { FrameFeatures } from './kinds';

/** Features with class indices: what a head trains and is scored on (one output unit when `classes` has two). */
export interface FeatureSet {
  x: Float32Array;
  featureSize: number;
  y: Int32Array;
  classes: string[];
}

export interface Example {
  /** Absolute path. */
  file: string;
  label: string;
  subject: string;
  sha256: string;
  split: SplitName;
  /** A variant written by augmentation (training split only). */
  augmented: boolean;
}

export interface ExampleSet {
  dataset: string;
  split: Split;
  examples: Example[];
}

const SPLIT_SEED = 1;

/** Every image of a dataset (and of its augmented copy, if given) with its split. */
export async function loadExamples(datasetDir: string, augmentedDir?: string): Promise<ExampleSet> {
  const index = await validIndex(datasetDir);
  const split =
    index.split ??
    splitBySubject(
      index.entries.map((e) => e.subject),
      SPLIT_SEED,
    );
  const toExample =
    (dir: string, augmented: boolean) =>
    (e: DatasetEntry): Example | undefined => {
      const s = splitOf(split, e.subject);
      if (!s || (augmented && s !== 'train')) return undefined;
      return {
        file: path.join(dir, e.file),
        label: e.label,
        subject: e.subject,
        sha256: e.sha256,
        split: s,
        augmented,
      };
    };
  const examples = index.entries.map(toExample(datasetDir, false));
  if (augmentedDir) examples.push(...(await validIndex(augmentedDir)).entries.map(toExample(augmentedDir, true)));
  const kept = examples.filter((e): e is Example => e !== undefined);
  for (const name of SPLITS) {
    if (!kept.some((e) => e.split === name))
      throw new Error(`${datasetDir}: the ${name} split is empty (subjects ${split[name].join(', ') || 'none'})`);
  }
  return { dataset: datasetDir, split, examples: kept };
}

export interface SplitFeatures {
  train: FeatureSet;
  val: FeatureSet;
  test: FeatureSet;
  /** Examples in the row order of each set. */
  rows: Record<SplitName, Example[]>;
}

/** Features (cached on disk) for every example, grouped by split, labelled for `task`. */
export async function splitFeatures(
  extractor: FeatureExtractor,
  set: ExampleSet,
  task: Task,
  options: { onBatch?: (done: number, total: number) => void; includeAugmented?: boolean } = {},
): Promise<SplitFeatures> {
  const examples = set.examples.filter((e) => options.includeAugmented !== false || !e.augmented);
  const result = await cachedFeatures(
    extractor,
    examples.map((e) => e.file),
    { onBatch: options.onBatch },
  );
  if (result.failed.length > 0) throw unreadableImages(result.failed);
  const d = result.featureSize;
  const bySplit = (name: SplitName): [FeatureSet, Example[]] => {
    const idx = examples.map((e, i) => (e.split === name ? i : -1)).filter((i) => i >= 0);
    const x = new Float32Array(idx.length * d);
    for (const [r, i] of idx.entries()) x.set(result.features.subarray(i * d, (i + 1) * d), r * d);
    const y = Int32Array.from(idx, (i) => labelIndex(task, examples[i].label));
    return [{ x, featureSize: d, y, classes: TASK_CLASSES[task] }, idx.map((i) => examples[i])];
  };
  const [train, trainRows] = bySplit('train');
  const [val, valRows] = bySplit('val');
  const [test, testRows] = bySplit('test');
  return { train, val, test, rows: { train: trainRows, val: valRows, test: testRows } };
}

/**
 * A frame of a dataset used whole, without a split (cross-validation picks who is held out): an
 * original, or an augmented variant of `source` (its original's file, relative to the dataset).
 */
export interface PooledExample {
  /** Absolute path. */
  file: string;
  label: string;
  subject: string;
  clip: string;
  sha256: string;
  augmented: boolean;
  /** The original frame, relative to the dataset folder (itself for an original). */
  source: string;
}

/** Features of pooled examples, row i for example i. */
export interface PooledFeatures {
  examples: PooledExample[];
  x: Float32Array;
  featureSize: number;
}

/** Features of any kind (cached on disk, under `cacheRoot` if given) for every pooled example. */
export async function pooledFeatures(
  spec: FrameFeatures,
  examples: PooledExample[],
  onBatch?: (done: number, total: number) => void,
  cacheRoot?: string,
): Promise<PooledFeatures> {
  const result = await frameFeatures(
    spec,
    examples.map((e) => e.file),
    { onBatch, cacheRoot },
  );
  if (result.failed.length > 0) throw unreadableImages(result.failed);
  return { examples, x: result.features, featureSize: result.featureSize };
}

/** The rows `idx` of pooled features, labelled for `task`. */
export function featureRows(pool: PooledFeatures, idx: readonly number[], task: Task): FeatureSet {
  const d = pool.featureSize;
  const x = new Float32Array(idx.length * d);
  for (const [r, i] of idx.entries()) x.set(pool.x.subarray(i * d, (i + 1) * d), r * d);
  const y = Int32Array.from(idx, (i) => labelIndex(task, pool.examples[i].label));
  return { x, featureSize: d, y, classes: TASK_CLASSES[task] };
}
