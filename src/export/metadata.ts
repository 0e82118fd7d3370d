// metadata.json of an exported classifier: what it says (classes, MobileNet variant, layer, input
// size, preprocessing, thresholds, where the model came from), how a training run fills it in, and
// the one check a model passes before the page or `kombat evaluate` uses it.
import type { Environment } from '../backend';
import { TASK_CLASSES, TASKS, type Task } from '../data/tasks';
import { type ModelRule, modelRule, parseThresholds, type ThresholdsByTask } from '../decision';
import { type MetricsSummary, summariseMetrics } from '../eval/metrics';
import { type DeclaredFeatures, featureKind } from '../features/encoder';
import type { FeatureSpec } from '../features/spec';
import { ALPHAS, FEATURE_LAYERS, featureLayerSize, INPUT_SIDE } from '../mobilenet/names';
import type { CrossValidation, FoldUnit } from '../train/cv';
import type { TrainRun } from '../train/run';
import type { Hyperparams } from '../train/train';
import type { WeightFormat } from './quantise';

/** `task` and `thresholds` (ModelRule): the 3-way model's {other, action}, the binary's {punch}. */
export type ClassifierMetadata = ModelRule & {
  name: string;
  /** Output order; the binary model has one sigmoid unit for the second class (punch). */
  classes: string[];
  features: FeatureSpec & { featureSize: number };
  preprocessing: string;
  weights: WeightFormat;
  trainingDataHash: string;
  hyperparams: Hyperparams;
  epochs: { trained: number; best: number; stoppedBy: string };
  /** Scores per split; a model trained on a whole folder has its cross-validated score instead of val and test. */
  metrics: { train: MetricsSummary; val?: MetricsSummary; test?: MetricsSummary; crossValidated?: MetricsSummary };
  environment: Environment;
  /** A model trained on a whole folder (kombat train, the page): which recordings, and when. */
  dataset?: DatasetProvenance;
  crossValidation?: CrossValidationSummary;
};

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

export function describePreprocessing(spec: FeatureSpec): string {
  const [h, w] = spec.inputSize;
  return (
    `RGB 0..255 -> x/127.5-1 -> bilinear resize (aligned corners) to ${w}x${h}` +
    (spec.fit === 'letterbox' ? ', letterboxed with mid-grey where the aspect differs' : ', stretched') +
    ` -> MobileNet v1 alpha ${spec.alpha} -> ${spec.layer}` +
    (spec.layer.startsWith('conv') ? ' (average-pooled)' : '')
  );
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
    preprocessing: describePreprocessing(run.features),
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

/** metadata.json checked for what inference needs; each problem names the file and the field. */
export function checkMetadata(value: unknown, where: string): ClassifierMetadata {
  const m = value as Partial<ClassifierMetadata> | null;
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  if (!m || typeof m !== 'object') return fail('not a JSON object');
  if (m.task === undefined || !TASKS.includes(m.task))
    fail(`"task" is ${JSON.stringify(m.task)}, expected one of ${TASKS.join(', ')}`);
  const classes = m.classes;
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string'))
    fail('"classes" must be a list of names');
  const want = m.task === 'ternary' ? TASK_CLASSES.ternary : ['punch'];
  for (const c of want) if (!classes?.includes(c)) fail(`"classes" ${JSON.stringify(classes)} lacks "${c}"`);
  if (m.task === 'binary' && (classes?.length !== 2 || classes[1] !== 'punch')) {
    fail(`a binary model's "classes" are [not-punch, punch] (its one output is punch), got ${JSON.stringify(classes)}`);
  }
  // The decision rule reads a ternary head's outputs in training's order.
  if (m.task === 'ternary' && JSON.stringify(classes) !== JSON.stringify(TASK_CLASSES.ternary)) {
    fail(
      `a ternary model's "classes" are [${TASK_CLASSES.ternary.join(', ')}] in this order, ` +
        `got ${JSON.stringify(classes)}`,
    );
  }
  const f = m.features as DeclaredFeatures | undefined;
  if (!f || typeof f !== 'object') return fail('missing "features" (which MobileNet layer the head reads)');
  featureKind(f);
  if (!ALPHAS.includes(f.alpha))
    fail(`"features.alpha" is ${JSON.stringify(f.alpha)}, expected one of ${ALPHAS.join(', ')}`);
  const size = f.inputSize;
  const { min, max } = INPUT_SIDE;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((n) => Number.isInteger(n) && n >= min && n <= max)) {
    fail(`"features.inputSize" must be [height, width], each in ${min}..${max}, got ${JSON.stringify(size)}`);
  }
  if (typeof f.layer !== 'string' || featureLayerSize(f.layer, f.alpha) === undefined)
    fail(`"features.layer" is ${JSON.stringify(f.layer)}, not a MobileNet v1 layer; expected one of ${FEATURE_LAYERS}`);
  if (f.fit !== 'stretch' && f.fit !== 'letterbox')
    fail(`"features.fit" is ${JSON.stringify(f.fit)}, expected stretch or letterbox`);
  // Training writes both from one spec: where they disagree, one was edited by hand, and the head
  // (trained on the features "preprocessing" describes) would read another layer's values.
  if (m.preprocessing !== undefined && m.preprocessing !== describePreprocessing(f as FeatureSpec)) {
    fail(
      `"features" (${f.layer}, ${size[1]}x${size[0]}, ${f.fit}, alpha ${f.alpha}) disagree with "preprocessing" ` +
        `(${JSON.stringify(m.preprocessing)}), which training wrote from the same settings: the file was edited; ` +
        'export the model again',
    );
  }
  // The task's named thresholds, each in [0, 1]; files of the earlier rule read or refused with what to do.
  const thresholds = parseThresholds(m.task as Task, m.thresholds, where);
  return { ...m, thresholds } as ClassifierMetadata;
}
