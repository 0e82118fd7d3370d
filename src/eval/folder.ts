// Scoring an exported classifier on every image of a dataset folder (any split, any layout the
// data tools accept): what `kombat evaluate` prints. A binary model reads any folder with punch/;
// a 3-way model on a folder without kicks is folded to punch / not punch (./fold.ts).

import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { indexDataset } from '../data/entries';
import { labelIndex, TASK_CLASSES, type Task } from '../data/tasks';
import { cachedFeatures } from '../features/cache';
import type { FeatureExtractor } from '../mobilenet/network';
import { exists } from '../util/fs';
import { predict, predictedClasses } from './evaluate';
import { FOLD_NOTE, foldToPunch } from './fold';
import { computeMetrics, type Metrics } from './metrics';

/** What scoring needs of a classifier (export/classifier.ts's Classifier is one). */
export interface ScoredModel {
  head: tf.LayersModel;
  extractor: FeatureExtractor;
  metadata: { task: Task; classes: string[] };
}

export interface FolderScore {
  metrics: Metrics;
  /** The task scored: the model's, or binary when a 3-way model met a folder without kicks. */
  task: Task;
  /** Set when the model's predictions were folded to punch / not punch: why. */
  folded?: string;
}

export async function evaluateFolder(
  classifier: ScoredModel,
  dir: string,
  onBatch?: (done: number, total: number) => void,
): Promise<FolderScore> {
  const model = classifier.metadata.task;
  const fold = model === 'ternary' && !(await exists(path.join(dir, 'kick')));
  const task: Task = fold ? 'binary' : model;
  const index = await indexDataset(dir, { task });
  const errors = index.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new Error(`${path.join(dir, errors[0].file)}: ${errors[0].message}`);
  if (index.entries.length === 0) throw new Error(`${dir}: no images in the class folders`);
  const files = index.entries.map((e) => path.join(dir, e.file));
  const result = await cachedFeatures(classifier.extractor, files, {
    hashes: index.entries.map((e) => e.sha256),
    onBatch,
  });
  if (result.failed.length > 0)
    throw new Error(`cannot read ${result.failed.length} image(s): ${result.failed[0].message}`);
  const expected = classifier.head.inputs[0].shape[1];
  if (expected !== result.featureSize) {
    throw new Error(
      `the model expects ${expected} features but ${classifier.extractor.layer} gives ${result.featureSize}`,
    );
  }
  const { classes } = classifier.metadata;
  const y = Int32Array.from(index.entries, (e) => labelIndex(task, e.label));
  const outputs = predict(classifier.head, { x: result.features, featureSize: result.featureSize, y, classes });
  const predicted = fold ? foldToPunch(outputs) : predictedClasses(outputs, classes.length === 2 ? 1 : classes.length);
  return {
    metrics: computeMetrics(y, predicted, TASK_CLASSES[task]),
    task,
    ...(fold ? { folded: FOLD_NOTE } : {}),
  };
}
