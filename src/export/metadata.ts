// metadata.json of an exported classifier: the contract every loader relies on (the game page,
// `kombat evaluate`, `kombat train --features`, chapter 08's reload check), how a training run fills
// it in, and the one check a model passes before any of them uses it. Browser-safe (type-only
// imports of Node modules): the page runs the same check on every model it loads.
//
//   model.json + weights.bin  the head: input [n, features.featureSize] -> output [n, units], units =
//                             1 (binary: sigmoid probability of "punch") or 3 (softmax over classes)
//   metadata.json             ModelContract below, plus where the model came from (training-data
//                             hash, hyper-parameters, epochs, metrics, environment)
//
// To turn a frame (RGB pixels 0..255, any size) into the head's input, follow `features` (the
// kinds of features/kinds.ts; per frame: features/encoder.ts). Then the decision rule (decision.ts)
// with `thresholds` turns the head's output into an action.
import type { Environment } from '../backend';
import { TASK_CLASSES, TASKS, type Task } from '../data/tasks';
import { type ModelRule, modelRule, parseThresholds, type ThresholdsByTask } from '../decision';
import { type MetricsSummary, summariseMetrics } from '../eval/metrics';
import {
  type DeclaredFeatures,
  describePreprocessing,
  featureLabel,
  parseDeclaredFeatures,
  undeclared,
} from '../features/kinds';
import type { CrossValidation, FoldUnit } from '../train/cv';
import type { TrainRun } from '../train/run';
import type { Hyperparams } from '../train/train';
import { WEIGHT_FORMATS, type WeightFormat } from './quantise';

/** What a loader relies on; checkMetadata checks every field. `task` and `thresholds` (ModelRule): the 3-way
 * model's {other, action}, the binary's {punch}. */
export type ModelContract = ModelRule & {
  name: string;
  /** Output order; the binary model has one sigmoid unit for the second class (punch). */
  classes: string[];
  /** How a frame becomes the head's input, and the length of that input. */
  features: DeclaredFeatures;
  /** The same in words, for people. */
  preprocessing: string;
  weights: WeightFormat;
};

/** Where a model came from: written by every export, read by chapter 08's reuse check, not needed to play. */
export interface ModelOrigin {
  trainingDataHash: string;
  hyperparams: Hyperparams;
  epochs: { trained: number; best: number; stoppedBy: string };
  /** Scores per split; a model trained on a whole folder has its cross-validated score instead of val and test. */
  metrics: { train: MetricsSummary; val?: MetricsSummary; test?: MetricsSummary; crossValidated?: MetricsSummary };
  environment: Environment;
  /** A model trained on a whole folder (kombat train, the page): which recordings, and when. */
  dataset?: DatasetProvenance;
  crossValidation?: CrossValidationSummary;
}

export type ClassifierMetadata = ModelContract & ModelOrigin;

/** A checked metadata.json: the contract, and whatever provenance the file holds, unchecked. */
export type CheckedMetadata = ModelContract & Partial<ModelOrigin>;

/** Output units of the head for a task. */
export function headUnits(task: Task): number {
  return task === 'binary' ? 1 : TASK_CLASSES.ternary.length;
}

/** The recordings a model was trained on. */
export interface DatasetProvenance {
  folder: string;
  /** ISO 8601. */
  trainedAt: string;
  frames: number;
  augmentedVariants: number;
  classes: Record<string, number>;
  recordings: { subject: string; clip: string; frames: number; classes: Record<string, number> }[];
}

/** What metadata.json keeps of a cross-validation: who was held out, how each did, what it chose. */
export interface CrossValidationSummary {
  unit: FoldUnit;
  folds: string[][];
  epochs: number;
  heldOutLoss: number[];
  thresholdsConstrained: boolean;
  actions: MetricsSummary;
  perGroup: { group: string; frames: number; metrics: MetricsSummary; actions: MetricsSummary }[];
  note?: string;
}

export function summariseCrossValidation(cv: CrossValidation): CrossValidationSummary {
  return {
    unit: cv.unit,
    folds: cv.folds.map((f) => f.heldOut),
    epochs: cv.epochs,
    heldOutLoss: cv.heldOutLoss,
    thresholdsConstrained: cv.thresholdsConstrained,
    actions: summariseMetrics(cv.actions),
    perGroup: cv.perGroup,
    ...(cv.note ? { note: cv.note } : {}),
  };
}

/** The metadata of a trained run; it keeps the thresholds of its own task. */
export function classifierMetadata(
  run: TrainRun,
  name: string,
  thresholds: ThresholdsByTask,
  weights: WeightFormat = 'float32',
): ClassifierMetadata {
  return {
    name,
    ...modelRule(run.task, thresholds),
    classes: run.data.train.classes,
    features: run.features,
    preprocessing: describePreprocessing(undeclared(run.features)),
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

/**
 * metadata.json checked against the contract and returned typed, its features in the kinds'
 * normal form (metadata without "kind" is whole-frame MobileNet); other fields are kept as they
 * are. Each problem names the file (`where`) and the field.
 */
export function checkMetadata(value: unknown, where: string): CheckedMetadata {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('not a JSON object');
  const m = value as Record<string, unknown>;
  for (const field of ['task', 'classes', 'features', 'thresholds'] as const)
    if (m[field] === undefined) fail(`missing "${field}"`);
  const task = m.task as Task;
  if (!TASKS.includes(task)) fail(`"task" is ${JSON.stringify(m.task)}, expected one of ${TASKS.join(', ')}`);
  const classes = m.classes;
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string'))
    return fail('"classes" must be a list of names');
  // The decision rule reads the head's outputs in training's order; a binary head's one output is punch.
  if (classes.join(',') !== TASK_CLASSES[task].join(',')) {
    fail(
      `a ${task} model's "classes" are [${TASK_CLASSES[task].join(', ')}] in this order, ` +
        `got ${JSON.stringify(classes)}`,
    );
  }
  const features = parseDeclaredFeatures(m.features, `${where}: features`);
  // Training writes both from one spec: where they disagree, one was edited by hand, and the head
  // (trained on the features "preprocessing" describes) would read other values than it learned from.
  const described = describePreprocessing(undeclared(features));
  if (m.preprocessing !== undefined && m.preprocessing !== described) {
    fail(
      `"features" (${featureLabel(undeclared(features))}) disagree with "preprocessing" ` +
        `(${JSON.stringify(m.preprocessing)}), which training wrote from the same settings: the file was edited; ` +
        'export the model again',
    );
  }
  // The task's named thresholds, each in [0, 1]; files of the earlier rule read or refused with what to do.
  const thresholds = parseThresholds(task, m.thresholds, where);
  const weights = (m.weights ?? 'float32') as WeightFormat;
  if (!WEIGHT_FORMATS.includes(weights))
    fail(`"weights" is ${JSON.stringify(m.weights)}, expected one of ${WEIGHT_FORMATS.join(', ')}`);
  return {
    ...m,
    name: typeof m.name === 'string' ? m.name : '',
    task,
    classes: [...TASK_CLASSES[task]],
    features,
    preprocessing: described,
    thresholds,
    weights,
  } as CheckedMetadata;
}
