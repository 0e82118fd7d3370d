// Scoring an exported classifier on every image of a dataset folder (any split, any layout the
// data tools accept): what `kombat evaluate` prints. A binary model reads any folder with punch/;
// a 3-way model on a folder without kicks is folded to punch / not punch (./fold.ts). A dataset
// that features and train refuse is refused here too (validIndex): a score of part of the data
// would pass for a score of all of it. Only when asked (`skipInvalid`) are the bad parts left out,
// and then they are returned by name.

import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { assertValid, type DatasetIssue, indexDataset } from '../data/entries';
import { labelIndex, TASK_CLASSES, type Task } from '../data/tasks';
import { cachedFeatures } from '../features/cache';
import { unreadableImages } from '../image/decode';
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

/** The model's outputs for image files (features from the cache where present), row-major. */
export async function fileOutputs(
  classifier: ScoredModel,
  files: string[],
  options: { onBatch?: (done: number, total: number) => void } = {},
): Promise<Float32Array> {
  const { classes } = classifier.metadata;
  const result = await cachedFeatures(classifier.extractor, files, options);
  if (result.failed.length > 0) throw unreadableImages(result.failed);
  const expected = classifier.head.inputs[0].shape[1];
  if (expected !== result.featureSize) {
    throw new Error(
      `the model expects ${expected} features but ${classifier.extractor.layer} gives ${result.featureSize}`,
    );
  }
  const y = new Int32Array(files.length);
  return predict(classifier.head, { x: result.features, featureSize: result.featureSize, y, classes });
}

export interface FolderEvaluation {
  metrics: Metrics;
  /** The task scored: the model's, or binary when a 3-way model met a folder without kicks. */
  task: Task;
  /** Set when the model's predictions were folded to punch / not punch: why. */
  folded?: string;
  /** With skipInvalid: the errors the dataset check found, whose files were not scored. */
  skipped: DatasetIssue[];
}

export async function evaluateFolder(
  classifier: ScoredModel,
  dir: string,
  { onBatch, skipInvalid = false }: { onBatch?: (done: number, total: number) => void; skipInvalid?: boolean } = {},
): Promise<FolderEvaluation> {
  const model = classifier.metadata.task;
  const fold = model === 'ternary' && !(await exists(path.join(dir, 'kick')));
  const task: Task = fold ? 'binary' : model;
  const found = await indexDataset(dir, { task });
  const skipped = skipInvalid ? found.issues.filter((i) => i.severity === 'error') : [];
  const index = assertValid({ ...found, issues: found.issues.filter((i) => !skipped.includes(i)) });
  const { classes } = classifier.metadata;
  const files = index.entries.map((e) => path.join(dir, e.file));
  const outputs = await fileOutputs(classifier, files, { onBatch });
  const y = Int32Array.from(index.entries, (e) => labelIndex(task, e.label));
  const predicted = fold ? foldToPunch(outputs) : predictedClasses(outputs, classes.length === 2 ? 1 : classes.length);
  return {
    metrics: computeMetrics(y, predicted, TASK_CLASSES[task]),
    task,
    ...(fold ? { folded: FOLD_NOTE } : {}),
    skipped,
  };
}
