// The sweep's input: cached MobileNet features per split, loaded once. Training on the original and
// augmented training frames, validation and test on originals (splitFeatures does the split).
import * as path from 'node:path';
import { initBackend } from '../backend';
import { labelIndex, TASK_CLASSES, type Task } from '../data/tasks';
import { type FeatureSet, loadExamples, type SplitFeatures, splitFeatures } from '../features/sets';
import { extractorFor, type FeatureSpec } from '../features/spec';
import { settings } from '../settings';
import { exists } from '../util/fs';

export interface SweepDataOptions {
  task: Task;
  features: FeatureSpec;
  /** Dataset folder (default KOMBAT_DATASET, else <data>/builtin). */
  data?: string;
  /** Augmented copy of the training split (default <data>-aug, used when it exists). */
  augmented?: string;
  onFeatures?: (done: number, total: number) => void;
}

export interface LoadedSweepData extends SplitFeatures {
  data: string;
  augmented?: string;
}

/**
 * Features for a sweep from the on-disk cache. Images missing from the cache are computed once
 * and stored (so a second call is all cache reads); the sweep itself never touches MobileNet.
 */
export async function loadSweepData(options: SweepDataOptions): Promise<LoadedSweepData> {
  await initBackend();
  const data = path.resolve(options.data ?? settings().dataset);
  if (!(await exists(data)))
    throw new Error(`${data} does not exist: build the dataset first (make data) or pass --data`);
  const augmentedGuess = options.augmented ?? `${data.replace(/[\\/]+$/, '')}-aug`;
  const augmented = (await exists(augmentedGuess)) ? augmentedGuess : undefined;
  if (options.augmented && !augmented) throw new Error(`${options.augmented} does not exist`);
  const examples = await loadExamples(data, augmented);
  const extractor = await extractorFor(options.features);
  const features = await splitFeatures(extractor, examples, options.task, { onBatch: options.onFeatures });
  return { ...features, data, augmented };
}

function relabelSet(set: FeatureSet, labels: string[], task: Task): FeatureSet {
  return { ...set, y: Int32Array.from(labels, (l) => labelIndex(task, l)), classes: TASK_CLASSES[task] };
}

/** The same features labelled for another task (e.g. binary punch / not-punch from ternary), no copy of x. */
export function relabel(features: SplitFeatures, task: Task): SplitFeatures {
  const labels = (name: 'train' | 'val' | 'test') => features.rows[name].map((e) => e.label);
  return {
    train: relabelSet(features.train, labels('train'), task),
    val: relabelSet(features.val, labels('val'), task),
    test: relabelSet(features.test, labels('test'), task),
    rows: features.rows,
  };
}
