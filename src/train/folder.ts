// "Train on any folder": what `kombat train` and the page's "train on my recordings" run. A
// dataset folder (read, never written) -> augmented variants of every frame, cached under the
// project's data folder keyed by the frames' content -> cached features -> cross-validation over
// people (train/cv.ts) choosing the epochs and the game's thresholds -> the head refit on everyone
// -> an exported classifier folder, written atomically, whose metadata says which recordings it
// learnt from, when, and how it did on people it had not seen. Features of any kind (features/kinds.ts);
// the pose-based kinds skip the augmentation: MoveNet cannot see a person in a 100x56 variant.
import * as path from 'node:path';
import { type AugmentDatasetResult, type AugmentProgress, augmentDataset } from '../augment/dataset';
import type { SizePolicy } from '../augment/variant';
import { initBackend } from '../backend';
import { type ProjectConfig, readConfig } from '../config';
import { type DatasetIndex, validIndex } from '../data/entries';
import { readManifest } from '../data/manifest';
import { peopleOf, readSubjects, withSubjects } from '../data/subjects';
import { labelIndex, parseTask, TASK_CLASSES, type Task } from '../data/tasks';
import { type ModelRule, modelRule, type ThresholdsByTask } from '../decision';
import { evaluateHead } from '../eval/evaluate';
import { summariseMetrics } from '../eval/metrics';
import { type ClassifierMetadata, type DatasetProvenance, summariseCrossValidation } from '../export/metadata';
import { modelOutput, saveModel } from '../export/model-io';
import type { WeightFormat } from '../export/quantise';
import { describePreprocessing, type FrameFeatures, needsDetector } from '../features/kinds';
import { featureRows, type PooledExample, type PooledFeatures, pooledFeatures } from '../features/sets';
import { INPUT_SIDE } from '../mobilenet/names';
import type { InputSize } from '../preprocess';
import { settings } from '../settings';
import { claimOutput } from '../util/fs';
import { sha256 } from '../util/hash';
import { type CrossValidation, crossValidate, type EpochAt, MAX_FOLDS, planFolds } from './cv';
import { type FolderPreset, PRESETS, type PresetSettings } from './presets';
import { articleHyperparams } from './setups';
import { type EpochLog, type Hyperparams, trainHead } from './train';

/** Where the chapters keep the built-in dataset's augmented copy: `<data>-aug` next to it (inside data/). */
export function defaultAugmentedDir(data: string): string {
  const abs = path.resolve(data);
  return path.join(path.dirname(abs), `${path.basename(abs)}-aug`);
}

/**
 * Where `kombat train` caches a folder's augmented variants: under the project's data folder, named
 * by the folder and keyed by its content (every frame's bytes, class, person and recording), so a
 * changed folder never reuses stale variants and the user's folder is never written to.
 */
export function augmentCacheDir(index: DatasetIndex, dataDir = settings().dataDir): string {
  const lines = index.entries.map((e) => [e.file, e.label, e.subject, e.clip, e.sha256].join(' ')).sort();
  const name = index.name.replace(/[^\w.-]/g, '_');
  return path.join(dataDir, 'augmented', `${name}-${sha256(lines.join('\n')).slice(0, 16)}`);
}

/** "WxH" (as the CLI takes it) -> [height, width] (as MobileNet takes it). */
export function parseInputSize(text: string): InputSize {
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`input size "${text}" is not WIDTHxHEIGHT, e.g. 224x224 or 224x126`);
  const [w, h] = [Number(m[1]), Number(m[2])];
  const { min, max } = INPUT_SIDE;
  if (w < min || h < min || w > max || h > max)
    throw new Error(`input size "${text}": width and height must be in ${min}..${max} (MobileNet downsamples 32x)`);
  return [h, w];
}

/**
 * The hyper-parameters of a run: the config's for the task (the article's with `article`, its batch
 * a tenth of the `nTrain` training examples), with `epochs` overriding the epoch budget.
 */
export function folderHyperparams(
  config: ProjectConfig,
  task: Task,
  nTrain: number,
  options: { article?: boolean; epochs?: number } = {},
): Hyperparams {
  const base = options.article ? articleHyperparams(task, nTrain) : { ...config.hyperparams[task] };
  return options.epochs !== undefined ? { ...base, maxEpochs: options.epochs } : base;
}

/** What a training run is at, for progress displays (the CLI's bars, the page's progress line). */
export type TrainStage = 'augment' | 'features' | 'cross-validation' | 'final' | 'export';

export interface FolderOptions {
  data: string;
  task: Task;
  /** How much work (default full); the options below override its settings. */
  preset?: FolderPreset;
  /** Default: readConfig() (models/config.json, completed with the defaults). */
  config?: ProjectConfig;
  /** The feature kind (default: the config's whole-frame MobileNet features, which get the preset's settings). */
  features?: FrameFeatures;
  /** The game's thresholds where cross-validation does not choose them, per task (default: the config's). */
  thresholds?: Partial<ThresholdsByTask>;
  /** Augment every frame first (default true); false trains on the original frames only. */
  augment?: boolean;
  /** Where the variants go (default augmentCacheDir); never inside the data folder. */
  augmented?: string;
  /**
   * The folder whose augmented/ and features/ hold the caches (default the project's data folder);
   * `kombat bench --capture` gives a fresh one, so it times a first training on new frames.
   */
  cacheDir?: string;
  /** Variants per frame (default the preset's: 16, the article's, for full). */
  variants?: number;
  /** How frames are resized before augmentation (default: their own aspect). */
  size?: SizePolicy;
  /** The epoch budget (default the preset's, else the config's); cross-validation chooses within it. */
  epochs?: number;
  /** The article's hyper-parameters instead of the config's: its fixed epochs, no choice. */
  article?: boolean;
  /** A CSV of file,subject rows: who is in each frame, where the names and manifest do not say. */
  subjectsFrom?: string;
  onStage?: (stage: TrainStage) => void;
  onAugment?: (p: AugmentProgress) => void;
  onFeatures?: (done: number, total: number) => void;
  onFold?: (fold: number, folds: number, heldOut: string[]) => void;
  /** Every epoch: of a fold, or of the final training. */
  onEpoch?: (log: EpochLog, at: EpochAt) => void;
  onBatch?: (done: number, total: number) => void;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** The preset's settings with the options' own on top. */
function settingsOf(options: FolderOptions): PresetSettings {
  const preset = PRESETS[options.preset ?? 'full'];
  return {
    ...preset,
    variants: options.augment === false ? 0 : (options.variants ?? preset.variants),
    epochs: options.epochs ?? preset.epochs,
  };
}

/** A folder read, augmented and embedded: what cross-validation and the final training start from. */
export interface PreparedFolder {
  data: string;
  task: Task;
  preset: PresetSettings;
  index: DatasetIndex;
  features: FrameFeatures;
  hyperparams: Hyperparams;
  pool: PooledFeatures;
  augmented?: { dir: string; result: AugmentDatasetResult };
}

/** The folder's index for `task`, with subjects from `subjectsFrom` where given. */
async function readFolder(data: string, task: Task, subjectsFrom?: string): Promise<DatasetIndex> {
  let index = await validIndex(data, { task });
  if (subjectsFrom) index = withSubjects(index, await readSubjects(subjectsFrom), subjectsFrom);
  const present = TASK_CLASSES[task].filter((_, c) => index.entries.some((e) => labelIndex(task, e.label) === c));
  if (present.length < 2) {
    throw new Error(
      `${data}: every frame is ${present[0]} for the ${task} task; a classifier needs at least two classes`,
    );
  }
  return index;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Reads, augments and embeds a folder. */
export async function prepareFolder(options: FolderOptions): Promise<PreparedFolder> {
  const log = options.log ?? (() => {});
  const data = path.resolve(options.data);
  const task = parseTask(options.task);
  const config = options.config ?? (await readConfig());
  if (options.augment === false && options.augmented)
    throw new Error('an augmented folder and no augmentation contradict each other (--augmented with --no-augment)');
  let preset = settingsOf(options);
  // The preset's MobileNet settings (a quick run's smaller input or earlier layer) apply to whole-frame features.
  const chosen = options.features ?? config.features;
  const features: FrameFeatures = chosen.kind === 'mobilenet' ? { ...chosen, ...preset.features } : chosen;
  if (needsDetector(features)) {
    if (options.augmented)
      throw new Error('pose-based features train on the original frames: --augmented does not apply to them');
    if (preset.variants > 0) log('pose-based features: no augmented variants (MoveNet needs the full-size frames)');
    preset = { ...preset, variants: 0 };
  }
  const index = await readFolder(data, task, options.subjectsFrom);
  const byFile = new Map(index.entries.map((e) => [e.file, e]));
  const examples: PooledExample[] = index.entries.map((e) => ({
    file: path.join(data, e.file),
    label: e.label,
    subject: e.subject,
    clip: e.clip,
    sha256: e.sha256,
    augmented: false,
    source: e.file,
  }));

  let augmented: PreparedFolder['augmented'];
  if (preset.variants > 0) {
    options.onStage?.('augment');
    const dir = path.resolve(options.augmented ?? augmentCacheDir(index, options.cacheDir));
    if (isInside(dir, data) || isInside(data, dir))
      throw new Error(`${dir}: augmented variants never go into (or around) the data folder ${data}`);
    const result = await augmentDataset({
      data,
      out: dir,
      variants: preset.variants,
      size: options.size,
      sources: index.entries,
      onProgress: options.onAugment,
      log,
    });
    if (result.bad.length > 0)
      throw new Error(
        `${path.join(data, result.bad[0].file)}: ${result.bad[0].reason} ` +
          `(augmentation skipped ${result.bad.length} file(s))`,
      );
    log(
      `augmented: ${result.variants} variants in ${dir} ` +
        `(${result.written} written, ${result.reused} reused, ${result.seconds.toFixed(1)} s)`,
    );
    for (const row of await readManifest(dir)) {
      const source = byFile.get(row.source);
      if (!source) throw new Error(`${dir}/manifest.csv: ${row.file} comes from ${row.source}, not in ${data}`);
      examples.push({
        file: path.join(dir, row.file),
        label: source.label,
        subject: source.subject,
        clip: source.clip,
        sha256: row.sha256,
        augmented: true,
        source: source.file,
      });
    }
    augmented = { dir, result };
  }

  options.onStage?.('features');
  const t0 = performance.now();
  const featureCache = options.cacheDir === undefined ? undefined : path.join(options.cacheDir, 'features');
  const pool = await pooledFeatures(features, examples, options.onFeatures, featureCache);
  log(`features: ${examples.length} frames in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const hyperparams = folderHyperparams(config, task, examples.length, { ...options, epochs: preset.epochs });
  return { data, task, preset, index, features, hyperparams, pool, augmented };
}

/** Cross-validation of a prepared folder: over people, or recordings of its one person. */
export async function crossValidateFolder(
  prepared: PreparedFolder,
  options: Pick<FolderOptions, 'onStage' | 'onFold' | 'onEpoch' | 'onBatch' | 'signal' | 'article'>,
): Promise<CrossValidation> {
  peopleOf(prepared.index);
  const plan = planFolds(prepared.pool.examples, prepared.data, prepared.preset.maxFolds ?? MAX_FOLDS);
  options.onStage?.('cross-validation');
  return crossValidate({
    task: prepared.task,
    hyperparams: prepared.hyperparams,
    pool: prepared.pool,
    plan,
    chooseEpochs: !options.article,
    onFold: options.onFold,
    onEpoch: options.onEpoch,
    onBatch: options.onBatch,
    signal: options.signal,
  });
}

/** Which recordings a model learnt from, and when. */
export function datasetProvenance(prepared: PreparedFolder, trainedAt: Date): DatasetProvenance {
  const count = (entries: { label: string }[]) => {
    const out: Record<string, number> = {};
    for (const e of entries) out[e.label] = (out[e.label] ?? 0) + 1;
    return out;
  };
  const entries = prepared.index.entries;
  const keys = [...new Set(entries.map((e) => `${e.subject}\u0000${e.clip}`))].sort();
  return {
    folder: prepared.data,
    trainedAt: trainedAt.toISOString(),
    frames: entries.length,
    augmentedVariants: prepared.pool.examples.length - entries.length,
    classes: count(entries),
    recordings: keys.map((key) => {
      const [subject, clip] = key.split('\u0000');
      const frames = entries.filter((e) => e.subject === subject && e.clip === clip);
      return { subject, clip, frames: frames.length, classes: count(frames) };
    }),
  };
}

export interface TrainFolderOptions extends FolderOptions {
  /** The model folder to write. */
  out: string;
  /** Cross-validate to choose epochs and thresholds (default); false: the whole budget, the config's thresholds. */
  cv?: boolean;
  weights?: WeightFormat;
  /** Model name in metadata.json; default the out folder's name. */
  name?: string;
  /** Replace an `out` folder that is not a model (never a file or a folder holding a dataset). */
  force?: boolean;
}

export interface TrainFolderResult {
  prepared: PreparedFolder;
  cv?: CrossValidation;
  /** The final training: epochs trained, and how it stopped. */
  epochs: number;
  stoppedBy: string;
  /** The decision rule the model acts by: the task's, with the thresholds chosen (or the config's). */
  rule: ModelRule;
  metadata?: ClassifierMetadata;
  /** The written model folder; undefined when the final training was interrupted before its first epoch ended. */
  modelDir?: string;
  weightBytes?: number;
}

/** Identifies the training data: the bytes and labels of every frame trained on. */
function poolHash(pool: PooledFeatures): string {
  return sha256(
    pool.examples
      .map((e) => `${e.sha256} ${e.label}`)
      .sort()
      .join('\n'),
  );
}

export async function trainFolder(options: TrainFolderOptions): Promise<TrainFolderResult> {
  // Refused before any work when `out` is not the model's to replace; held until the model is written.
  const release = await claimOutput(options.out, modelOutput(options.force));
  try {
    return await train(options);
  } finally {
    release();
  }
}

async function train(options: TrainFolderOptions): Promise<TrainFolderResult> {
  const log = options.log ?? (() => {});
  const environment = await initBackend();
  const prepared = await prepareFolder(options);
  const { task, pool, hyperparams } = prepared;
  const config = options.config ?? (await readConfig());
  let cv: CrossValidation | undefined;
  let epochs = hyperparams.maxEpochs;
  let rule = modelRule(task, { ...config.thresholds, ...options.thresholds });
  if (options.cv !== false) {
    cv = await crossValidateFolder(prepared, options);
    epochs = cv.epochs;
    rule = cv.rule;
    log(
      `cross-validation (${cv.folds.length} folds over ${cv.unit === 'person' ? 'people' : 'recordings'}): ` +
        `${epochs} epochs, held-out accuracy ${cv.metrics.accuracy.toFixed(3)}, ` +
        `balanced ${cv.metrics.balancedAccuracy.toFixed(3)} (${cv.seconds.toFixed(1)} s)`,
    );
  }

  options.onStage?.('final');
  const all = pool.examples.map((_, i) => i);
  const final = await trainHead(
    featureRows(pool, all, task),
    undefined,
    { ...hyperparams, maxEpochs: epochs, patience: 0 },
    {
      onEpoch: (l) => options.onEpoch?.(l, { epochs }),
      onBatch: options.onBatch,
      signal: options.signal,
    },
  );
  const result: TrainFolderResult = {
    prepared,
    cv,
    epochs: final.history.length,
    stoppedBy: final.stoppedBy,
    rule,
  };
  if (final.history.length === 0) {
    final.model.dispose();
    return result;
  }
  const originals = all.filter((i) => !pool.examples[i].augmented);
  const trained = evaluateHead(final.model, featureRows(pool, originals, task));
  const out = path.resolve(options.out);
  const metadata: ClassifierMetadata = {
    name: options.name ?? path.basename(out),
    ...rule,
    classes: TASK_CLASSES[task],
    features: { ...prepared.features, featureSize: pool.featureSize },
    preprocessing: describePreprocessing(prepared.features),
    weights: options.weights ?? 'float32',
    trainingDataHash: poolHash(pool),
    hyperparams,
    epochs: { trained: final.history.length, best: final.history.length, stoppedBy: final.stoppedBy },
    metrics: {
      train: summariseMetrics(trained),
      ...(cv ? { crossValidated: summariseMetrics(cv.metrics) } : {}),
    },
    environment,
    dataset: datasetProvenance(prepared, new Date()),
    ...(cv ? { crossValidation: summariseCrossValidation(cv) } : {}),
  };
  options.onStage?.('export');
  const weightBytes = await saveModel(final.model, out, metadata, options.weights, modelOutput(options.force));
  final.model.dispose();
  return { ...result, metadata, modelDir: out, weightBytes };
}
