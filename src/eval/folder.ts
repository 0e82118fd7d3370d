// Scoring an exported classifier on every image of a dataset folder (any split, any layout the
// data tools accept): what `kombat evaluate` prints.

import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { indexDataset } from '../data/entries';
import { labelIndex, type Task } from '../data/tasks';
import { cachedFeatures } from '../features/cache';
import type { FeatureExtractor } from '../mobilenet/network';
import { predict, predictedClasses } from './evaluate';
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
  options: { hashes?: string[]; onBatch?: (done: number, total: number) => void } = {},
): Promise<Float32Array> {
  const { classes } = classifier.metadata;
  const result = await cachedFeatures(classifier.extractor, files, options);
  if (result.failed.length > 0)
    throw new Error(`cannot read ${result.failed.length} image(s): ${result.failed[0].message}`);
  const expected = classifier.head.inputs[0].shape[1];
  if (expected !== result.featureSize) {
    throw new Error(
      `the model expects ${expected} features but ${classifier.extractor.layer} gives ${result.featureSize}`,
    );
  }
  const y = new Int32Array(files.length);
  return predict(classifier.head, { x: result.features, featureSize: result.featureSize, y, classes });
}

export async function evaluateFolder(
  classifier: ScoredModel,
  dir: string,
  onBatch?: (done: number, total: number) => void,
): Promise<Metrics> {
  const index = await indexDataset(dir);
  if (index.entries.length === 0) throw new Error(`${dir}: no images in the class folders`);
  const { task, classes } = classifier.metadata;
  const files = index.entries.map((e) => path.join(dir, e.file));
  const outputs = await fileOutputs(classifier, files, { hashes: index.entries.map((e) => e.sha256), onBatch });
  const y = Int32Array.from(index.entries, (e) => labelIndex(task, e.label));
  return computeMetrics(y, predictedClasses(outputs, classes.length === 2 ? 1 : classes.length), classes);
}
