// A trained head exported for the game and for `kombat evaluate`: the layers-format model plus
// metadata.json saying everything needed to use it (classes, the feature kind with its MobileNet
// variant, layer and input size or its detector and descriptor, preprocessing, thresholds) and where
// it came from (training-data hash, metrics, backend). The part a loader relies on is the contract
// of src/vision/contract.ts, checked on load.
import type * as tf from '@tensorflow/tfjs';
import type { Environment } from '../backend';
import type { Metrics } from '../eval/metrics';
import type { Task } from '../features/sets';
import type { Thresholds } from '../game/decision';
import type { FeatureExtractor } from '../mobilenet/model';
import type { FeatureSpec } from '../train/config';
import { asFrameFeatures, extractorFor, type TrainRun } from '../train/run';
import type { Hyperparams } from '../train/train';
import { type ModelContract, parseModelMetadata } from '../vision/contract';
import { type FrameFeatures, featureParts } from '../vision/spec';
import { loadSavedModel, saveModel, type WeightFormat } from './model-io';

export interface MetricsSummary {
  accuracy: number;
  balancedAccuracy: number;
  perClass: Metrics['perClass'];
}

export interface ClassifierMetadata extends Omit<ModelContract, 'features'> {
  task: Task;
  /** As trained: a whole-frame FeatureSpec without "kind" (chapters 03-08), or any feature kind. */
  features: TrainRun['features'];
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

export function describePreprocessing(spec: FeatureSpec | FrameFeatures): string {
  return featureParts(asFrameFeatures(spec))
    .map((part) => {
      if (part.kind === 'pose')
        return (
          `MoveNet SinglePose Lightning (${part.detector.passes === 2 ? 'whole frame letterboxed to 192x192, then again on the square around the person' : 'whole frame letterboxed to 192x192'})` +
          ` -> 17 keypoints -> pose descriptor v${part.descriptor.version} (${part.descriptor.size} values: position, size and appearance removed)`
        );
      const [h, w] = part.inputSize;
      const net = ` -> MobileNet v1 alpha ${part.alpha} -> ${part.layer}${part.layer.startsWith('conv') ? ' (average-pooled)' : ''}`;
      if (part.kind === 'mobilenet-crop')
        return (
          `MoveNet SinglePose Lightning keypoints -> square around the person (${part.crop.scale}x the keypoints' extent, mid-grey outside the frame)` +
          ` -> RGB 0..255 -> x/127.5-1 -> bilinear resize to ${w}x${h}${net}`
        );
      return (
        `RGB 0..255 -> x/127.5-1 -> bilinear resize (aligned corners) to ${w}x${h}` +
        (part.fit === 'letterbox' ? ', letterboxed with mid-grey where the aspect differs' : ', stretched') +
        net
      );
    })
    .join('; concatenated with: ');
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

/** An exported model of any feature kind, its metadata checked against the contract. */
export interface ExportedModel {
  head: tf.LayersModel;
  metadata: ClassifierMetadata & ModelContract;
}

export async function loadModel(dir: string): Promise<ExportedModel> {
  const { model, metadata } = await loadSavedModel<unknown>(dir);
  const checked = parseModelMetadata<ClassifierMetadata & ModelContract>(metadata, `${dir}/metadata.json`);
  const expected = model.inputs[0].shape[1];
  if (expected !== checked.features.featureSize) {
    model.dispose();
    throw new Error(
      `${dir}: model.json takes ${expected} features but metadata.json declares ${checked.features.featureSize}`,
    );
  }
  return { head: model, metadata: checked };
}

/** A whole-frame MobileNet model with its feature extractor (chapter 08's checks use it). */
export async function loadClassifier(dir: string): Promise<Classifier> {
  const { head, metadata } = await loadModel(dir);
  const features = metadata.features;
  if (features.kind !== 'mobilenet') {
    head.dispose();
    throw new Error(
      `${dir}: a ${features.kind} model; loadClassifier reads whole-frame MobileNet models only (use loadModel)`,
    );
  }
  return { head, metadata, extractor: await extractorFor(features) };
}
