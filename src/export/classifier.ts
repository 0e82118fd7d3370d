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

/**
 * The default models, as the game loads them: kombat-binary, kombat-ternary. Chapter 09 writes them
 * (the way of seeing a frame its rule chose); nothing else does.
 */
export function finalModelName(task: Task): string {
  return `kombat-${task}`;
}

/** <models>/kombat-<task> (KOMBAT_MODELS_DIR moves it). */
export function finalModelDir(task: Task, modelsDir = settings().modelsDir): string {
  return path.join(modelsDir, finalModelName(task));
}

/**
 * The article's way of seeing a frame (whole-frame MobileNet features) with the project's training:
 * chapter 08 exports them under this name, beside the defaults, so the page can play either.
 */
export function wholeFrameModelName(task: Task): string {
  return `kombat-${task}-whole-frame`;
}

/** <models>/kombat-<task>-whole-frame. */
export function wholeFrameModelDir(task: Task, modelsDir = settings().modelsDir): string {
  return path.join(modelsDir, wholeFrameModelName(task));
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
