// The final models (chapters 07 and 08): where they live, whether an exported one still matches
// the data and configuration (so chapter 08 re-exports instead of retraining), and the weight
// formats compared by reloading each one.
//
// In smoke mode (KOMBAT_SMOKE=1) nothing is written under models/: the final models and the
// configuration go to <dataDir>/smoke-models/, so a smoke run never overwrites the committed ones.
import type * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { actionMetrics, predict, predictedClasses, probabilitiesAt } from '../eval/evaluate';
import { computeMetrics, type Metrics } from '../eval/metrics';
import { binaryActionMetrics } from '../eval/thresholds';
import type { SplitFeatures, Task } from '../features/sets';
import { exists, writeDirAtomic } from '../util/fs';
import { type Action, decide, decideBinary, type Thresholds } from '../game/decision';
import { dataDir, modelsDir, smoke } from '../settings';
import { CONFIG_PATH, type FeatureSpec, type ProjectConfig, readConfig, updateConfig } from '../config';
import type { Hyperparams } from '../train/train';
import type { ClassifierMetadata, MetricsSummary } from './classifier';
import { loadSavedModel, saveModel, type WeightFormat } from './model-io';

/** models/, or <dataDir>/smoke-models in smoke mode. */
export const finalModelsDir = smoke ? path.join(dataDir, 'smoke-models') : modelsDir;
/** Scratch folder for the weight-format variants (data/ is not committed). */
export const exportScratchDir = path.join(dataDir, 'export');
export const WEIGHT_FORMATS: readonly WeightFormat[] = ['float32', 'uint16', 'uint8'];

export function finalModelName(task: Task): string {
  return `kombat-${task}`;
}

export function finalModelDir(task: Task, root = finalModelsDir): string {
  return path.join(root, finalModelName(task));
}

/** The configuration file the chapters write: models/config.json, or its smoke-mode copy. */
export const projectConfigPath = smoke ? path.join(finalModelsDir, 'config.json') : CONFIG_PATH;

/** The project configuration; in smoke mode the smoke copy when written, else the committed one (read only). */
export async function readProjectConfig(): Promise<ProjectConfig> {
  return readConfig(smoke && !(await exists(projectConfigPath)) ? CONFIG_PATH : projectConfigPath);
}

/** updateConfig on projectConfigPath; in smoke mode the first write starts from the committed file. */
export async function updateProjectConfig(patch: Partial<ProjectConfig>): Promise<ProjectConfig> {
  const base = await readProjectConfig();
  return updateConfig({ ...base, ...patch }, projectConfigPath);
}

/** The hyper-parameters the final models train with: the configured ones, 2 epochs in smoke mode. */
export function finalHyperparams(config: ProjectConfig, isSmoke = smoke): Record<Task, Hyperparams> {
  if (!isSmoke) return config.hyperparams;
  return {
    binary: { ...config.hyperparams.binary, maxEpochs: 2 },
    ternary: { ...config.hyperparams.ternary, maxEpochs: 2 },
  };
}

/** Stable JSON (sorted keys) for comparing specs. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface Provenance {
  trainingDataHash: string;
  features: FeatureSpec;
  hyperparams: Hyperparams;
}

/** Why an exported model does not match (empty when it does): data hash, features or hyper-parameters. */
export function provenanceMismatch(
  metadata: Pick<ClassifierMetadata, 'trainingDataHash' | 'features' | 'hyperparams'>,
  want: Provenance,
): string[] {
  const out: string[] = [];
  if (metadata.trainingDataHash !== want.trainingDataHash) out.push('training data changed');
  const { featureSize: _size, ...features } = metadata.features;
  if (canonical(features) !== canonical(want.features))
    out.push(`features ${canonical(features)} != ${canonical(want.features)}`);
  if (canonical(metadata.hyperparams) !== canonical(want.hyperparams))
    out.push(`hyper-parameters ${canonical(metadata.hyperparams)} != ${canonical(want.hyperparams)}`);
  return out;
}

export interface ReusedModel {
  dir: string;
  model: tf.LayersModel;
  metadata: ClassifierMetadata;
}

/**
 * The first of `dirs` holding a float32 export whose provenance matches; undefined (with the
 * reasons logged) when none does. Quantised exports are skipped: they are not a master copy.
 */
export async function findReusable(
  dirs: string[],
  want: Provenance,
  log: (line: string) => void = () => {},
): Promise<ReusedModel | undefined> {
  for (const dir of dirs) {
    const file = path.join(dir, 'metadata.json');
    if (!(await exists(file))) {
      log(`${dir}: no export`);
      continue;
    }
    const metadata = JSON.parse(await fs.readFile(file, 'utf8')) as ClassifierMetadata;
    if (metadata.weights !== 'float32') {
      log(`${dir}: ${metadata.weights} weights, not a float32 master`);
      continue;
    }
    const why = provenanceMismatch(metadata, want);
    if (why.length > 0) {
      log(`${dir}: ${why.join('; ')}`);
      continue;
    }
    const { model } = await loadSavedModel<ClassifierMetadata>(dir);
    return { dir, model, metadata };
  }
  return undefined;
}

export interface EvaluatedOutputs {
  val: Float32Array;
  test: Float32Array;
}

export function summarise(m: Metrics): MetricsSummary {
  return { accuracy: m.accuracy, balancedAccuracy: m.balancedAccuracy, perClass: m.perClass };
}

/** The game's actions for a model's outputs: the 3-way rule, or the binary one on `any`. */
export function gameActions(task: Task, outputs: Float32Array, labels: string[], thresholds: Thresholds): Metrics {
  return task === 'ternary'
    ? actionMetrics(outputs, labels, thresholds)
    : binaryActionMetrics(outputs, labels, thresholds.any);
}

/** The game's action for every row of a model's outputs. */
export function actionsOf(task: Task, outputs: Float32Array, thresholds: Thresholds): Action[] {
  if (task === 'binary') return Array.from(outputs, (p) => decideBinary(p, thresholds));
  return Array.from({ length: outputs.length / 3 }, (_, i) => decide(probabilitiesAt(outputs, i), thresholds));
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

/** Total bytes of the files directly in `dir`. */
export async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const f of await fs.readdir(dir)) total += (await fs.stat(path.join(dir, f))).size;
  return total;
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
    val: actionsOf(task, reference.val, metadata.thresholds),
    test: actionsOf(task, reference.test, metadata.thresholds),
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
      classes.forEach((c, i) => (same += c === refClasses[split][i] ? 1 : 0));
      actionsOf(task, out[split], metadata.thresholds).forEach(
        (a, i) => (sameAction += a === refActions[split][i] ? 1 : 0),
      );
      out[split].forEach((v, i) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - reference[split][i]))));
      const set = data[split];
      const m = computeMetrics(set.y, classes, set.classes);
      metrics[split] = summarise(m);
    }
    const rows = labels.val.length + labels.test.length;
    const testAction = gameActions(task, out.test, labels.test, metadata.thresholds);
    const actionF1 =
      task === 'ternary'
        ? (testAction.perClass.punch.f1 + testAction.perClass.kick.f1) / 2
        : testAction.perClass.punch.f1;
    results.push({
      format,
      dir,
      weightBytes,
      folderBytes: await folderSize(dir),
      accuracy: { val: metrics.val.accuracy, test: metrics.test.accuracy },
      balancedAccuracy: { val: metrics.val.balancedAccuracy, test: metrics.test.balancedAccuracy },
      actionF1,
      classAgreement: same / rows,
      actionAgreement: sameAction / rows,
      maxAbsDiff,
      metrics,
      testAction: summarise(testAction),
    });
  }
  return results;
}

export const FORMAT_RULE =
  'ship the smallest weight format whose reloaded model gives the same predicted class and the same game action as float32 ' +
  'on every validation and test frame, with no probability more than 0.01 away from float32; otherwise float32';

/** The format to ship by FORMAT_RULE. */
export function chooseFormat(results: VariantResult[], maxDiff = 0.01): VariantResult {
  const float32 = results.find((r) => r.format === 'float32');
  if (!float32) throw new Error('chooseFormat needs the float32 variant');
  const fine = results.filter((r) => r.classAgreement === 1 && r.actionAgreement === 1 && r.maxAbsDiff <= maxDiff);
  return fine.reduce((best, r) => (r.weightBytes < best.weightBytes ? r : best), float32);
}

/**
 * Copies a measured variant folder to `target` (atomically), with metadata.json updated: the
 * variant's weight format and the metrics measured on the reloaded weights.
 */
export async function shipVariant(
  variant: VariantResult,
  target: string,
  patch: Partial<ClassifierMetadata> = {},
): Promise<ClassifierMetadata> {
  const metadata = JSON.parse(await fs.readFile(path.join(variant.dir, 'metadata.json'), 'utf8')) as ClassifierMetadata;
  const next: ClassifierMetadata = {
    ...metadata,
    ...patch,
    weights: variant.format,
    metrics: { ...metadata.metrics, val: variant.metrics.val, test: variant.metrics.test },
  };
  await writeDirAtomic(target, async (tmp) => {
    for (const f of ['model.json', 'weights.bin']) await fs.copyFile(path.join(variant.dir, f), path.join(tmp, f));
    await fs.writeFile(path.join(tmp, 'metadata.json'), `${JSON.stringify(next, null, 2)}\n`);
  });
  return next;
}

/** Largest |a - b| over two output arrays of the same length. */
export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`outputs differ in length: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
