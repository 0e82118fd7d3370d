// A trained head exported for the game and for `kombat evaluate`: the layers-format model plus
// metadata.json saying everything needed to use it (classes, MobileNet variant, layer, input size,
// preprocessing, thresholds) and where it came from (training-data hash, metrics, backend).
import type * as tf from '@tensorflow/tfjs';
import type { Environment } from '../backend';
import type { Metrics } from '../eval/metrics';
import type { Task } from '../features/sets';
import type { Thresholds } from '../game/decision';
import type { FeatureExtractor } from '../mobilenet/model';
import type { FeatureSpec } from '../config';
import { extractorFor, type TrainRun } from '../train/run';
import type { Hyperparams } from '../train/train';
import { loadSavedModel, saveModel, type WeightFormat } from './model-io';

export interface MetricsSummary {
  accuracy: number;
  balancedAccuracy: number;
  perClass: Metrics['perClass'];
}

export interface ClassifierMetadata {
  name: string;
  task: Task;
  /** Output order; the binary model has one sigmoid unit for the second class (punch). */
  classes: string[];
  features: FeatureSpec & { featureSize: number };
  preprocessing: string;
  thresholds: Thresholds;
  weights: WeightFormat;
  trainingDataHash: string;
  hyperparams: Hyperparams;
  epochs: { trained: number; best: number; stoppedBy: string };
  metrics: { train: MetricsSummary; val: MetricsSummary; test: MetricsSummary };
  environment: Environment;
}

const summary = (m: Metrics): MetricsSummary => ({
  accuracy: m.accuracy,
  balancedAccuracy: m.balancedAccuracy,
  perClass: m.perClass,
});

export function describePreprocessing(spec: FeatureSpec): string {
  const [h, w] = spec.inputSize;
  return (
    `RGB 0..255 -> x/127.5-1 -> bilinear resize (aligned corners) to ${w}x${h}` +
    (spec.fit === 'letterbox' ? ', letterboxed with mid-grey where the aspect differs' : ', stretched') +
    ` -> MobileNet v1 alpha ${spec.alpha} -> ${spec.layer}` +
    (spec.layer.startsWith('conv') ? ' (average-pooled)' : '')
  );
}

export function classifierMetadata(
  run: TrainRun,
  name: string,
  thresholds: Thresholds,
  weights: WeightFormat = 'float32',
): ClassifierMetadata {
  return {
    name,
    task: run.task,
    classes: run.data.train.classes,
    features: run.features,
    preprocessing: describePreprocessing(run.features),
    thresholds,
    weights,
    trainingDataHash: run.trainingDataHash,
    hyperparams: run.hyperparams,
    epochs: { trained: run.history.length, best: run.bestEpoch, stoppedBy: run.stoppedBy },
    metrics: { train: summary(run.metrics.train), val: summary(run.metrics.val), test: summary(run.metrics.test) },
    environment: run.environment,
  };
}

/** Writes the model folder atomically; returns the size of its weights in bytes. */
export function exportClassifier(
  run: TrainRun,
  dir: string,
  name: string,
  thresholds: Thresholds,
  weights: WeightFormat = 'float32',
): Promise<number> {
  return saveModel(run.model, dir, classifierMetadata(run, name, thresholds, weights), weights);
}

export interface Classifier {
  head: tf.LayersModel;
  metadata: ClassifierMetadata;
  extractor: FeatureExtractor;
}

export async function loadClassifier(dir: string): Promise<Classifier> {
  const { model, metadata } = await loadSavedModel<ClassifierMetadata>(dir);
  for (const field of ['task', 'classes', 'features', 'thresholds'] as const) {
    if (metadata[field] === undefined) throw new Error(`${dir}/metadata.json: missing "${field}"`);
  }
  return { head: model, metadata, extractor: await extractorFor(metadata.features) };
}
