// Chapter 08: the whole-frame models (the article's way of seeing a frame, the project's training) as
// the game loads them, in models/kombat-<task>-whole-frame; chapter 09 decides which way of seeing a
// frame the default models use. The float32 masters are reused when their
// provenance still matches (else trained again, seeded: the same weights), every weight format is
// measured after reloading and the rule picks the one that ships, and the shipped folders are
// checked once more: reloaded = measured, and end to end from JPEG files = the cached-feature path.

import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { tf as tfjs } from '../backend';
import type { ProjectConfig } from '../config';
import { TASKS, type Task } from '../data/tasks';
import { type Action, modelRule } from '../decision';
import { actionsOf, predict } from '../eval/evaluate';
import { loadClassifier, wholeFrameModelDir, wholeFrameModelName } from '../export/classifier';
import { type ClassifierMetadata, classifierMetadata } from '../export/metadata';
import { loadSavedModel } from '../export/model-io';
import { findReusable } from '../export/provenance';
import type { WeightFormat } from '../export/quantise';
import {
  chooseFormat,
  exportVariants,
  formatRule,
  MAX_PROBABILITY_CHANGE,
  maxAbsDifference,
  shipVariant,
  type VariantResult,
  variantsDir,
} from '../export/weight-formats';
import { type ExampleSet, type SplitFeatures, splitFeatures } from '../features/sets';
import { extractorFor } from '../features/spec';
import { readImage } from '../image/decode';
import { rgbTensor } from '../preprocess';
import { displayPath } from '../settings';
import { trainingDataHash, trainRun } from '../train/run';
import type { EpochLog, Hyperparams } from '../train/train';
import { folderBytes } from '../util/fs';
import { type BaseInput, type ResultsBase, resultsBase } from './common';

/** A float32 model to export: reused from an earlier export, or trained in this chapter. */
export interface Master {
  model: tf.LayersModel;
  metadata: ClassifierMetadata;
  data: SplitFeatures;
  /** Where it came from: a folder (relative to the project), or 'trained in this chapter'. */
  source: string;
  trained: boolean;
  trainingSeconds: number;
}

/**
 * The float32 master of each task: the first export whose provenance matches (the final folder,
 * then the float32 variant kept in the scratch folder), else trained again with the configured
 * set-up. Either way it carries the configured thresholds (chapter 07's choice).
 */
export async function finalMasters(input: {
  config: ProjectConfig;
  hyperparams: Record<Task, Hyperparams>;
  examples: ExampleSet;
  /** Images through MobileNet (those not cached yet) for a task's features. */
  onFeatures?: (task: Task, done: number, total: number) => void;
  /** Each epoch of a master trained again. */
  onEpoch?: (task: Task, log: EpochLog) => void;
  log?: (line: string) => void;
}): Promise<Record<Task, Master>> {
  const log = input.log ?? (() => {});
  const { config, examples } = input;
  const hash = trainingDataHash(examples);
  const extractor = await extractorFor(config.features);
  const masters = {} as Record<Task, Master>;
  for (const task of TASKS) {
    const want = { trainingDataHash: hash, features: config.features, hyperparams: input.hyperparams[task] };
    const candidates = [wholeFrameModelDir(task), path.join(variantsDir(), `${wholeFrameModelName(task)}-float32`)];
    const reused = await findReusable(candidates, want, (line) => log(`  ${task}: ${line}`));
    if (reused) {
      const onBatch = input.onFeatures && ((done: number, total: number) => input.onFeatures?.(task, done, total));
      const data = await splitFeatures(extractor, examples, task, { onBatch });
      masters[task] = {
        model: reused.model,
        // Thresholds are the configuration's choice, not part of the weights' provenance.
        metadata: { ...reused.metadata, name: wholeFrameModelName(task), ...modelRule(task, config.thresholds) },
        data,
        source: displayPath(reused.dir),
        trained: false,
        trainingSeconds: 0,
      };
      log(`${task}: reusing ${displayPath(reused.dir)} (trained ${reused.metadata.epochs.trained} epochs)`);
      continue;
    }
    log(`${task}: no matching export, training again`);
    const run = await trainRun({
      task,
      examples,
      features: config.features,
      hyperparams: input.hyperparams[task],
      onFeatures: input.onFeatures && ((done, total) => input.onFeatures?.(task, done, total)),
      onEpoch: input.onEpoch && ((epoch) => input.onEpoch?.(task, epoch)),
      log: (l) => log(`  ${l}`),
    });
    masters[task] = {
      model: run.model,
      metadata: classifierMetadata(run, wholeFrameModelName(task), config.thresholds),
      data: run.data,
      source: 'trained in this chapter',
      trained: true,
      trainingSeconds: run.seconds.training,
    };
  }
  return masters;
}

export interface Shipped {
  format: WeightFormat;
  /** Relative to the project. */
  dir: string;
  weightBytes: number;
  folderBytes: number;
}

/** A master's weight formats as measured, the one that ships, and the rule that chose it. */
export interface ShipResult {
  variants: VariantResult[];
  shipped: Shipped;
  rule: string;
}

/**
 * Every weight format of a master (`formats`, float32 among them), measured after reloading; the one
 * the rule picks (no probability moved more than `maxProbabilityChange`, see chooseFormat), shipped.
 */
export async function shipFinalModel(
  task: Task,
  master: Master,
  options: { formats?: readonly WeightFormat[]; maxProbabilityChange?: number } = {},
): Promise<ShipResult> {
  const maxChange = options.maxProbabilityChange ?? MAX_PROBABILITY_CHANGE;
  const variants = await exportVariants(master.model, master.metadata, master.data, variantsDir(), options.formats);
  const pick = chooseFormat(variants, maxChange);
  const target = wholeFrameModelDir(task);
  await shipVariant(pick, target);
  const shipped = {
    format: pick.format,
    dir: displayPath(target),
    weightBytes: pick.weightBytes,
    folderBytes: await folderBytes(target),
  };
  return { variants, shipped, rule: formatRule(maxChange) };
}

export interface ReloadCheck {
  /** The shipped folder, loaded as the game loads it, gives the measured variant's outputs bit for bit. */
  identical: boolean;
  maxAbsDiffVsMeasured: number;
  maxAbsDiffVsFloat32: number;
  /** A few test frames from JPEG through the shipped classifier's own encoder, against the cached features. */
  endToEnd: { images: number; maxAbsDiff: number };
}

export interface EndToEndFrame {
  file: string;
  label: string;
  outputs: Float32Array;
  action: Action;
}

/**
 * The two checks on a shipped folder (see ReloadCheck): end to end on `frames` test frames spread over
 * the split (default 6); `onFrame` sees each of them.
 */
export async function reloadCheck(
  task: Task,
  master: Master,
  variant: VariantResult,
  options: { frames?: number; onFrame?: (frame: EndToEndFrame) => void } = {},
): Promise<ReloadCheck> {
  const frames = options.frames ?? 6;
  if (!(Number.isInteger(frames) && frames >= 1)) throw new Error(`frames ${frames} is not a whole number >= 1`);
  const { data } = master;
  const clf = await loadClassifier(wholeFrameModelDir(task));
  const again = await loadSavedModel(variant.dir);
  try {
    const shipped = predict(clf.head, data.test);
    const measured = predict(again.model, data.test);
    const float32 = predict(master.model, data.test);
    const units = task === 'ternary' ? 3 : 1;
    const step = Math.max(1, Math.floor(data.rows.test.length / frames));
    const picks = data.rows.test.filter((_, i) => i % step === 0).slice(0, frames);
    let endToEnd = 0;
    for (const e of picks) {
      const row = data.rows.test.indexOf(e);
      const img = await readImage(e.file);
      const pixels = rgbTensor(img.data, img.width, img.height);
      const { features } = await clf.encoder.encode(pixels).finally(() => pixels.dispose());
      const outputs = tfjs.tidy(() => {
        const input = tfjs.tensor2d(features, [1, features.length]);
        return (clf.head.predict(input) as tf.Tensor).dataSync() as Float32Array;
      });
      endToEnd = Math.max(endToEnd, maxAbsDifference(outputs, shipped.subarray(row * units, (row + 1) * units)));
      options.onFrame?.({ file: e.file, label: e.label, outputs, action: actionsOf(clf.metadata, outputs)[0] });
    }
    return {
      identical: maxAbsDifference(shipped, measured) === 0,
      maxAbsDiffVsMeasured: maxAbsDifference(shipped, measured),
      maxAbsDiffVsFloat32: maxAbsDifference(shipped, float32),
      endToEnd: { images: picks.length, maxAbsDiff: endToEnd },
    };
  } finally {
    again.model.dispose();
    clf.head.dispose();
  }
}

/** A variant as the results file keeps it: no metric details, the folder relative to the project. */
export type VariantSummary = Omit<VariantResult, 'metrics' | 'testAction'>;

export interface ExportedModel {
  source: string;
  trained: boolean;
  thresholds: ClassifierMetadata['thresholds'];
  shipped: Shipped;
  variants: VariantSummary[];
  reload: ReloadCheck;
}

export interface ExportResults extends ResultsBase<'08-export'> {
  rule: string;
  /** The MobileNet the game also loads, for scale. */
  mobilenet: { alpha: number; inputSize: readonly [number, number]; layer: string; bytes: number | null };
  trainingDataHash: string;
  models: Record<Task, ExportedModel>;
}

export function exportResults(
  input: BaseInput & {
    config: ProjectConfig;
    examples: ExampleSet;
    masters: Record<Task, Master>;
    shipped: Record<Task, ShipResult>;
    reload: Record<Task, ReloadCheck>;
    mobilenetBytes?: number;
  },
): ExportResults {
  const { config, masters } = input;
  const slim = ({ metrics: _m, testAction: _t, ...rest }: VariantResult): VariantSummary => ({
    ...rest,
    dir: displayPath(rest.dir),
  });
  const model = (task: Task): ExportedModel => ({
    source: masters[task].source,
    trained: masters[task].trained,
    thresholds: masters[task].metadata.thresholds,
    shipped: input.shipped[task].shipped,
    variants: input.shipped[task].variants.map(slim),
    reload: input.reload[task],
  });
  return {
    ...resultsBase('08-export', {
      ...input,
      parts: { training: TASKS.reduce((s, t) => s + masters[t].trainingSeconds, 0) },
    }),
    rule: input.shipped.ternary.rule,
    mobilenet: {
      alpha: config.features.alpha,
      inputSize: config.features.inputSize,
      layer: config.features.layer,
      bytes: input.mobilenetBytes ?? null,
    },
    trainingDataHash: trainingDataHash(input.examples),
    models: { ternary: model('ternary'), binary: model('binary') },
  };
}
