// A trained head exported for the game and for `kombat evaluate`: the layers-format model plus
// metadata.json (./metadata.ts) saying everything needed to use it and where it came from.

import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import type { Task } from '../data/tasks';
import type { ThresholdsByTask } from '../decision';
import { extractorFor } from '../features/spec';
import type { FeatureExtractor } from '../mobilenet/network';
import { settings } from '../settings';
import type { TrainRun } from '../train/run';
import type { OutputRule } from '../util/fs';
import { checkEncoder, loadHead } from './load';
import { type ClassifierMetadata, classifierMetadata } from './metadata';
import { localFolder, modelOutput, saveModel } from './model-io';
import type { WeightFormat } from './quantise';

/** The final models, as the game loads them: kombat-binary, kombat-ternary. */
export function finalModelName(task: Task): string {
  return `kombat-${task}`;
}

/** <models>/kombat-<task> (KOMBAT_MODELS_DIR moves it). */
export function finalModelDir(task: Task, modelsDir = settings().modelsDir): string {
  return path.join(modelsDir, finalModelName(task));
}

/** Writes the model folder atomically; returns the size of its weights in bytes. */
export function exportClassifier(
  run: TrainRun,
  dir: string,
  name: string,
  thresholds: ThresholdsByTask,
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
  await initBackend();
  const loaded = await loadHead(localFolder(dir));
  const extractor = await extractorFor(loaded.metadata.features);
  checkEncoder(loaded, extractor, dir);
  return { ...loaded, extractor };
}
