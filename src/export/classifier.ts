// A trained head exported for the game and for `kombat evaluate`: the layers-format model plus
// metadata.json (./metadata.ts) saying everything needed to use it and where it came from.

import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import type { Task } from '../data/tasks';
import type { ThresholdsByTask } from '../decision';
import type { FrameEncoder } from '../features/encoder';
import { undeclared } from '../features/kinds';
import { encoderFor } from '../features/local-encoder';
import { settings } from '../settings';
import type { TrainRun } from '../train/run';
import type { OutputRule } from '../util/fs';
import { checkEncoder, loadHead } from './load';
import { type CheckedMetadata, classifierMetadata } from './metadata';
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

/** An exported model in Node: its head, its checked metadata, and the encoder its features name. */
export interface Classifier {
  head: tf.LayersModel;
  metadata: CheckedMetadata;
  encoder: FrameEncoder;
}

/** Loads a model folder through the loader the page uses; the encoder shares this process's models. */
export async function loadClassifier(dir: string): Promise<Classifier> {
  await initBackend();
  const loaded = await loadHead(localFolder(dir));
  let encoder: FrameEncoder;
  try {
    encoder = await encoderFor(undeclared(loaded.metadata.features));
    checkEncoder(loaded, encoder, dir);
  } catch (err) {
    loaded.head.dispose();
    throw err;
  }
  return { ...loaded, encoder };
}
