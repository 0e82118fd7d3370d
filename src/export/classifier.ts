// A trained head exported for the game and for `kombat evaluate`: the layers-format model plus
// metadata.json saying everything needed to use it (classes, MobileNet variant, layer, input size,
// preprocessing, thresholds) and where it came from (training-data hash, metrics, backend).

import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Environment } from '../backend';
import type { Task } from '../data/tasks';
import { type MetricsSummary, summariseMetrics } from '../eval/metrics';
import { extractorFor, type FeatureSpec } from '../features/spec';
import type { Thresholds } from '../game/decision';
import type { FeatureExtractor } from '../mobilenet/model';
import { settings } from '../settings';
import type { TrainRun } from '../train/run';
import type { Hyperparams } from '../train/train';
import type { OutputRule } from '../util/fs';
import { loadSavedModel, modelOutput, saveModel } from './model-io';
import type { WeightFormat } from './quantise';

/** The final models, as the game loads them: kombat-binary, kombat-ternary. */
export function finalModelName(task: Task): string {
  return `kombat-${task}`;
}

/** <models>/kombat-<task> (KOMBAT_MODELS_DIR moves it). */
export function finalModelDir(task: Task, modelsDir = settings().modelsDir): string {
  return path.join(modelsDir, finalModelName(task));
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
    metrics: {
      train: summariseMetrics(run.metrics.train),
      val: summariseMetrics(run.metrics.val),
      test: summariseMetrics(run.metrics.test),
    },
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
  output: OutputRule = modelOutput(),
): Promise<number> {
  return saveModel(run.model, dir, classifierMetadata(run, name, thresholds, weights), weights, output);
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
