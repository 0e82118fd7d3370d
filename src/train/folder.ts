// "Train on any folder": what `kombat train` runs. A dataset folder in the data layout (with or
// without manifest.csv and split.json) -> augmentation of its training split (reused between runs)
// -> cached features of the chosen kind -> the head trained with the project's chosen set-up (or the
// article's) -> an exported classifier folder, written atomically. The pose-based kinds skip the
// augmentation: MoveNet cannot see a person in a 100x56 variant.
import * as path from 'node:path';
import { type AugmentDatasetResult, type AugmentProgress, augmentDataset } from '../augment/dataset';
import { type ProjectConfig, readConfig } from '../config';
import { splitPath } from '../data/split';
import { labelIndex, parseTask, TASK_CLASSES, type Task } from '../data/tasks';
import type { ThresholdsByTask } from '../decision';
import { exportClassifier } from '../export/classifier';
import { modelOutput } from '../export/model-io';
import type { WeightFormat } from '../export/quantise';
import { type FrameFeatures, needsDetector } from '../features/kinds';
import { type ExampleSet, loadExamples } from '../features/sets';
import { INPUT_SIDE } from '../mobilenet/names';
import type { InputSize } from '../preprocess';
import { claimOutput, exists } from '../util/fs';
import { type TrainRun, trainRun } from './run';
import { articleHyperparams, hyperparamsFor } from './setups';
import type { Hyperparams, TrainCallbacks } from './train';

/** Where the augmented copy of `data` lives by default: `<data>-aug` next to it. */
export function defaultAugmentedDir(data: string): string {
  const abs = path.resolve(data);
  return path.join(path.dirname(abs), `${path.basename(abs)}-aug`);
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
  options: { article?: boolean; epochs?: number; features?: FrameFeatures } = {},
): Hyperparams {
  const base = options.article
    ? articleHyperparams(task, nTrain)
    : { ...hyperparamsFor(options.features ?? config.features, task, config.hyperparams) };
  return options.epochs !== undefined ? { ...base, maxEpochs: options.epochs } : base;
}

/** loadExamples, with the folder named in every error. */
async function examplesOf(data: string, augmented?: string): Promise<ExampleSet> {
  try {
    return await loadExamples(data, augmented);
  } catch (err) {
    const message = (err as Error).message;
    throw message.includes(data) ? err : new Error(`${data}: ${message}`);
  }
}

export interface TrainFolderOptions extends TrainCallbacks {
  data: string;
  task: Task;
  /** The model folder to write. */
  out: string;
  /** Default: readConfig() (models/config.json, completed with the defaults). */
  config?: ProjectConfig;
  /** The feature kind (default: the config's whole-frame MobileNet features). */
  features?: FrameFeatures;
  /** The game's thresholds saved with the model, per task (default: the config's). */
  thresholds?: Partial<ThresholdsByTask>;
  /** Augment the training split first (default true); false trains on the original frames only. */
  augment?: boolean;
  /** The augmented copy (default `<data>-aug`); created or brought up to date when augmenting. */
  augmented?: string;
  /** Variants per training frame (default 16, the article's). */
  variants?: number;
  epochs?: number;
  /** The article's hyper-parameters instead of the config's. */
  article?: boolean;
  weights?: WeightFormat;
  /** Model name in metadata.json; default the out folder's name. */
  name?: string;
  /** Replace an `out` folder that is not a model (never a file or a folder holding a dataset). */
  force?: boolean;
  onAugment?: (p: AugmentProgress) => void;
  onFeatures?: (done: number, total: number) => void;
  /** Called once, when the examples are known and training is about to start (features included). */
  onPlan?: (plan: { examples: ExampleSet; hyperparams: Hyperparams; augmented?: string }) => void;
  log?: (line: string) => void;
}

export interface TrainFolderResult {
  run: TrainRun;
  hyperparams: Hyperparams;
  augmented?: { dir: string; result: AugmentDatasetResult };
  /** The written model folder; undefined when training was interrupted before its first epoch ended. */
  modelDir?: string;
  weightBytes?: number;
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
  const data = path.resolve(options.data);
  const config = options.config ?? (await readConfig());
  const task = parseTask(options.task);
  if (options.augment === false && options.augmented)
    throw new Error('an augmented folder and no augmentation contradict each other (--augmented with --no-augment)');
  // Fails early (named folder, missing or empty class, empty split) before any augmentation work.
  let examples = await examplesOf(data);
  const trainClasses = [
    ...new Set(
      examples.examples.filter((e) => e.split === 'train').map((e) => TASK_CLASSES[task][labelIndex(task, e.label)]),
    ),
  ];
  if (trainClasses.length < 2) {
    throw new Error(
      `${data}: the training split (subjects ${examples.split.train.join(', ')}) holds only one ${task} class ` +
        `(${trainClasses[0]}); a classifier needs at least two`,
    );
  }

  const features = options.features ?? config.features;
  const detector = needsDetector(features);
  if (detector && options.augmented)
    throw new Error('pose-based features train on the original frames: --augmented does not apply to them');
  let augmented: TrainFolderResult['augmented'];
  if (detector) log('pose-based features: no augmented variants (MoveNet needs the full-size frames)');
  else if (options.augment !== false) {
    const dir = path.resolve(options.augmented ?? defaultAugmentedDir(data));
    const hasSplit = await exists(splitPath(data));
    if (!hasSplit)
      log(
        `${splitPath(data)} is missing: using a seeded subject split (train ${examples.split.train.join(', ')}); ` +
          "augmenting every frame, training on the training split's variants only",
      );
    const result = await augmentDataset({
      data,
      out: dir,
      variants: options.variants,
      all: !hasSplit,
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
    augmented = { dir, result };
    examples = await examplesOf(data, dir);
  }

  const nTrain = examples.examples.filter((e) => e.split === 'train').length;
  const hyperparams = folderHyperparams(config, task, nTrain, options);
  options.onPlan?.({ examples, hyperparams, augmented: augmented?.dir });

  const run = await trainRun({
    task,
    features,
    hyperparams,
    examples,
    onFeatures: options.onFeatures,
    onEpoch: options.onEpoch,
    onBatch: options.onBatch,
    signal: options.signal,
    log,
  });
  if (run.history.length === 0) {
    run.model.dispose();
    return { run, hyperparams, augmented };
  }
  const out = path.resolve(options.out);
  const weightBytes = await exportClassifier(
    run,
    out,
    options.name ?? path.basename(out),
    { ...config.thresholds, ...options.thresholds },
    options.weights,
    modelOutput(options.force),
  );
  return { run, hyperparams, augmented, modelDir: out, weightBytes };
}
