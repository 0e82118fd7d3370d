// Which weight format ships: each format (float32, uint16, uint8) is saved, loaded back from disk
// and measured on the validation and test features against the float32 model; the rule below
// picks one, and shipVariant copies the measured folder into place. Chapter 08 runs this.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { actionMetrics, actionsOf, predict, predictedClasses } from '../eval/evaluate';
import { computeMetrics, type MetricsSummary, summariseMetrics } from '../eval/metrics';
import type { SplitFeatures } from '../features/sets';
import { settings } from '../settings';
import { folderBytes, writeDirAtomic } from '../util/fs';
import type { ClassifierMetadata } from './metadata';
import { loadSavedModel, modelOutput, saveModel } from './model-io';
import { WEIGHT_FORMATS, type WeightFormat } from './quantise';

/** Scratch folder of the measured variants, <data>/export (data/ is not committed). */
export function variantsDir(dataDir = settings().dataDir): string {
  return path.join(dataDir, 'export');
}

export interface EvaluatedOutputs {
  val: Float32Array;
  test: Float32Array;
}

export interface VariantResult {
  format: WeightFormat;
  dir: string;
  /** Bytes of weights.bin, and of the whole folder (model.json, weights, metadata). */
  weightBytes: number;
  folderBytes: number;
  accuracy: { val: number; test: number };
  balancedAccuracy: { val: number; test: number };
  /** Mean F1 of the game's actions on test at the model's thresholds. */
  actionF1: number;
  /** Share of val + test rows whose predicted class equals float32's. */
  classAgreement: number;
  /** Share of val + test rows whose game action equals float32's. */
  actionAgreement: number;
  /** Largest |probability - float32 probability| over val + test. */
  maxAbsDiff: number;
  metrics: { val: MetricsSummary; test: MetricsSummary };
  testAction: MetricsSummary;
}

/**
 * Saves `model` in every weight format to `<root>/<name>-<format>/`, reloads each from disk and
 * measures it on the validation and test features against the float32 reference outputs.
 */
export async function exportVariants(
  model: tf.LayersModel,
  metadata: ClassifierMetadata,
  data: SplitFeatures,
  root: string,
  formats: readonly WeightFormat[] = WEIGHT_FORMATS,
): Promise<VariantResult[]> {
  const task = metadata.task;
  const units = task === 'ternary' ? 3 : 1;
  const labels = { val: data.rows.val.map((e) => e.label), test: data.rows.test.map((e) => e.label) };
  const reference: EvaluatedOutputs = { val: predict(model, data.val), test: predict(model, data.test) };
  const refClasses = { val: predictedClasses(reference.val, units), test: predictedClasses(reference.test, units) };
  const refActions = {
    val: actionsOf(metadata, reference.val),
    test: actionsOf(metadata, reference.test),
  };
  const results: VariantResult[] = [];
  for (const format of formats) {
    const dir = path.join(root, `${metadata.name}-${format}`);
    const weightBytes = await saveModel(model, dir, { ...metadata, weights: format }, format);
    const { model: reloaded } = await loadSavedModel<ClassifierMetadata>(dir);
    const out: EvaluatedOutputs = { val: predict(reloaded, data.val), test: predict(reloaded, data.test) };
    reloaded.dispose();
    let same = 0;
    let sameAction = 0;
    let maxAbsDiff = 0;
    const metrics = {} as VariantResult['metrics'];
    for (const split of ['val', 'test'] as const) {
      const classes = predictedClasses(out[split], units);
      for (const [i, c] of classes.entries()) if (c === refClasses[split][i]) same++;
      for (const [i, a] of actionsOf(metadata, out[split]).entries()) if (a === refActions[split][i]) sameAction++;
      maxAbsDiff = Math.max(maxAbsDiff, maxAbsDifference(out[split], reference[split]));
      const set = data[split];
      const m = computeMetrics(set.y, classes, set.classes);
      metrics[split] = summariseMetrics(m);
    }
    const rows = labels.val.length + labels.test.length;
    const testAction = actionMetrics(metadata, out.test, labels.test);
    const actionF1 =
      task === 'ternary'
        ? (testAction.perClass.punch.f1 + testAction.perClass.kick.f1) / 2
        : testAction.perClass.punch.f1;
    results.push({
      format,
      dir,
      weightBytes,
      folderBytes: await folderBytes(dir),
      accuracy: { val: metrics.val.accuracy, test: metrics.test.accuracy },
      balancedAccuracy: { val: metrics.val.balancedAccuracy, test: metrics.test.balancedAccuracy },
      actionF1,
      classAgreement: same / rows,
      actionAgreement: sameAction / rows,
      maxAbsDiff,
      metrics,
      testAction: summariseMetrics(testAction),
    });
  }
  return results;
}

/**
 * How far a quantised model's probability may move from float32's on any frame: well below the
 * 0.05 steps of the threshold grid, so that no threshold the game uses is crossed by rounding alone.
 */
export const MAX_PROBABILITY_CHANGE = 0.01;

/** The rule chooseFormat applies, in words. */
export function formatRule(maxDiff = MAX_PROBABILITY_CHANGE): string {
  return (
    'ship the smallest weight format whose reloaded model gives the same predicted class and the same game ' +
    `action as float32 on every validation and test frame, with no probability more than ${maxDiff} away from ` +
    'float32; otherwise float32'
  );
}

/** The format to ship by formatRule(maxDiff). */
export function chooseFormat(results: VariantResult[], maxDiff = MAX_PROBABILITY_CHANGE): VariantResult {
  const float32 = results.find((r) => r.format === 'float32');
  if (!float32) throw new Error('chooseFormat needs the float32 variant');
  const fine = results.filter((r) => r.classAgreement === 1 && r.actionAgreement === 1 && r.maxAbsDiff <= maxDiff);
  return fine.reduce((best, r) => (r.weightBytes < best.weightBytes ? r : best), float32);
}

/**
 * Copies a measured variant folder to `target` (atomically), with metadata.json updated: the
 * variant's weight format and the metrics measured on the reloaded weights.
 */
export async function shipVariant(variant: VariantResult, target: string): Promise<ClassifierMetadata> {
  const metadata = JSON.parse(await fs.readFile(path.join(variant.dir, 'metadata.json'), 'utf8')) as ClassifierMetadata;
  const next: ClassifierMetadata = {
    ...metadata,
    weights: variant.format,
    metrics: { ...metadata.metrics, val: variant.metrics.val, test: variant.metrics.test },
  };
  await writeDirAtomic(
    target,
    async (tmp) => {
      for (const f of ['model.json', 'weights.bin']) await fs.copyFile(path.join(variant.dir, f), path.join(tmp, f));
      await fs.writeFile(path.join(tmp, 'metadata.json'), `${JSON.stringify(next, null, 2)}\n`);
    },
    modelOutput(),
  );
  return next;
}

/** Largest |a - b| over two output arrays of the same length. */
export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`outputs differ in length: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
