// Scoring an exported model of any feature kind on every image of a dataset folder (any split, any
// layout the data tools accept): what `kombat evaluate` prints. A dataset that features and train
// refuse is refused here too (validIndex): a score of part of the data would pass for a score of all
// of it. Only when asked (`skipInvalid`) are the bad parts left out, and then they are returned by
// name. A 3-way model on a folder without kicks (the article's first dataset, real recordings of
// punches) is also scored as punch vs. not punch, its predictions folded.
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { assertValid, type DatasetIssue, indexDataset } from '../data/entries';
import { labelIndex, TASK_CLASSES, type Task } from '../data/tasks';
import type { FrameEncoder } from '../features/encoder';
import { frameFeatures } from '../features/frames';
import { unreadableImages } from '../image/decode';
import { predict, predictedClasses } from './evaluate';
import { computeMetrics, type Metrics } from './metrics';

/** What scoring needs of a classifier (export/classifier.ts's Classifier is one). */
export interface ScoredModel {
  head: tf.LayersModel;
  /** The encoder the model's metadata names: its features are computed for every image (cached). */
  encoder: Pick<FrameEncoder, 'features' | 'featureSize'>;
  metadata: { task: Task; classes: string[] };
}

/** The model's outputs for image files (features from the caches where present), row-major. */
export async function fileOutputs(
  model: ScoredModel,
  files: string[],
  options: { onBatch?: (done: number, total: number) => void } = {},
): Promise<Float32Array> {
  const { classes } = model.metadata;
  const result = await frameFeatures(model.encoder.features, files, options);
  if (result.failed.length > 0) throw unreadableImages(result.failed);
  const expected = model.head.inputs[0].shape[1];
  if (expected !== result.featureSize) {
    throw new Error(
      `the model expects ${expected} features but its ${model.encoder.features.kind} features have ` +
        `${result.featureSize}`,
    );
  }
  const y = new Int32Array(files.length);
  return predict(model.head, { x: result.features, featureSize: result.featureSize, y, classes });
}

export interface FolderEvaluation {
  metrics: Metrics;
  /** Punch vs. not punch from a 3-way model's arg-max, where the folder has no kick images. */
  folded?: Metrics;
  /** With skipInvalid: the errors the dataset check found, whose files were not scored. */
  skipped: DatasetIssue[];
}

/** Arg-max classes of a model's outputs folded to punch (1) / not punch (0); binary outputs as they are. */
export function foldToPunch(outputs: Float32Array, units: number): Int32Array {
  const classes = predictedClasses(outputs, units);
  if (units === 1) return classes;
  const punch = TASK_CLASSES.ternary.indexOf('punch');
  return Int32Array.from(classes, (c) => (c === punch ? 1 : 0));
}

export async function evaluateFolder(
  model: ScoredModel,
  dir: string,
  { onBatch, skipInvalid = false }: { onBatch?: (done: number, total: number) => void; skipInvalid?: boolean } = {},
): Promise<FolderEvaluation> {
  const found = await indexDataset(dir);
  // A folder without kick/ is scored as it is (a 3-way model's predictions folded below), not refused.
  const issues = found.issues.filter((i) => !(i.file === 'kick/' && i.message === 'class folder is missing'));
  const skipped = skipInvalid ? issues.filter((i) => i.severity === 'error') : [];
  const index = assertValid({ ...found, issues: issues.filter((i) => !skipped.includes(i)) });
  const { task, classes } = model.metadata;
  const files = index.entries.map((e) => path.join(dir, e.file));
  const outputs = await fileOutputs(model, files, { onBatch });
  const units = classes.length === 2 ? 1 : classes.length;
  const y = Int32Array.from(index.entries, (e) => labelIndex(task, e.label));
  const metrics = computeMetrics(y, predictedClasses(outputs, units), classes);
  const noKicks = !index.entries.some((e) => e.label === 'kick');
  const folded =
    task === 'ternary' && noKicks
      ? computeMetrics(
          Int32Array.from(index.entries, (e) => (e.label === 'punch' ? 1 : 0)),
          foldToPunch(outputs, units),
          TASK_CLASSES.binary,
        )
      : undefined;
  return { metrics, folded, skipped };
}
