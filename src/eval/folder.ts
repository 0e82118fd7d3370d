// Scoring an exported model of any feature kind on every image of a dataset folder (any split, any
// layout the data tools accept): what `kombat evaluate` prints. A binary model reads any folder with
// punch/; a 3-way model on a folder without kicks (the article's first dataset, real recordings of
// punches) is folded to punch / not punch (./fold.ts). A dataset that features and train refuse is
// refused here too (validIndex): a score of part of the data would pass for a score of all of it.
// Only when asked (`skipInvalid`) are the bad parts left out, and then they are returned by name.
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { assertValid, type DatasetIssue, indexDataset } from '../data/entries';
import { labelIndex, TASK_CLASSES, type Task } from '../data/tasks';
import type { BodyView } from '../decision';
import type { FrameEncoder } from '../features/encoder';
import { frameFeatures } from '../features/frames';
import type { FrameFeatures } from '../features/kinds';
import { unreadableImages } from '../image/decode';
import { bodyViews } from '../pose/keypoints';
import { exists } from '../util/fs';
import { predict, predictedClasses } from './evaluate';
import { FOLD_NOTE, foldToPunch } from './fold';
import { computeMetrics, type Metrics } from './metrics';

/** What scoring needs of a classifier (export/classifier.ts's Classifier is one). */
export interface ScoredModel {
  head: tf.LayersModel;
  /** The encoder the model's metadata names: its features are computed for every image (cached). */
  encoder: Pick<FrameEncoder, 'features' | 'featureSize'>;
  metadata: { task: Task; classes: string[] };
}

export interface FileOutputs {
  /** Row-major, one row per file. */
  outputs: Float32Array;
  /** Per file, what the detector saw, for models whose features come from one (the decision rule's leg check). */
  views?: BodyView[];
}

/** The model's outputs for image files (features from the caches where present). */
export function fileOutputs(
  model: ScoredModel,
  files: string[],
  options: { onBatch?: (done: number, total: number) => void } = {},
): Promise<FileOutputs> {
  return headOutputs(model.head, model.encoder.features, files, options);
}

/**
 * A head's outputs for image files, on the features `spec` describes (from the caches where present),
 * with each file's body view where the features come from a detector.
 */
export async function headOutputs(
  head: tf.LayersModel,
  spec: FrameFeatures,
  files: string[],
  options: { onBatch?: (done: number, total: number) => void } = {},
): Promise<FileOutputs> {
  const result = await frameFeatures(spec, files, options);
  if (result.failed.length > 0) throw unreadableImages(result.failed);
  const expected = head.inputs[0].shape[1];
  if (expected !== result.featureSize) {
    throw new Error(`the model expects ${expected} features but its ${spec.kind} features have ${result.featureSize}`);
  }
  const set = { x: result.features, featureSize: result.featureSize, y: new Int32Array(files.length), classes: [] };
  return { outputs: predict(head, set), ...(result.keypoints ? { views: bodyViews(result.keypoints) } : {}) };
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
  model: ScoredModel,
  dir: string,
  { onBatch, skipInvalid = false }: { onBatch?: (done: number, total: number) => void; skipInvalid?: boolean } = {},
): Promise<FolderEvaluation> {
  const fold = model.metadata.task === 'ternary' && !(await exists(path.join(dir, 'kick')));
  const task: Task = fold ? 'binary' : model.metadata.task;
  const found = await indexDataset(dir, { task });
  const skipped = skipInvalid ? found.issues.filter((i) => i.severity === 'error') : [];
  const index = assertValid({ ...found, issues: found.issues.filter((i) => !skipped.includes(i)) });
  const files = index.entries.map((e) => path.join(dir, e.file));
  const { outputs } = await fileOutputs(model, files, { onBatch });
  const units = model.metadata.classes.length === 2 ? 1 : model.metadata.classes.length;
  const y = Int32Array.from(index.entries, (e) => labelIndex(task, e.label));
  const predicted = fold ? foldToPunch(outputs) : predictedClasses(outputs, units);
  return {
    metrics: computeMetrics(y, predicted, TASK_CLASSES[task]),
    task,
    ...(fold ? { folded: FOLD_NOTE } : {}),
    skipped,
  };
}
