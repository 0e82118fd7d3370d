// Cross-validation over people. With few people, every labelled person must go into the final
// model: none can be spared for early stopping or a test score. So each person (or, with one
// person, each recording) is held out once; the held-out frames choose the epoch count (lowest
// pooled held-out loss) and the game's thresholds, and give the score a new person can expect.
// The final head is then refit on everyone for the chosen epochs (train/folder.ts).
import type * as tf from '@tensorflow/tfjs';
import { TASK_CLASSES, type Task } from '../data/tasks';
import type { ModelRule } from '../decision';
import { actionMetrics, predict, predictedClasses, thresholdSweep } from '../eval/evaluate';
import { computeMetrics, type Metrics, type MetricsSummary, summariseMetrics } from '../eval/metrics';
import {
  binaryThresholdSweep,
  chooseBinaryThreshold,
  chooseThresholds,
  THRESHOLD_GRID,
  THRESHOLD_RULE,
} from '../eval/thresholds';
import { featureRows, type PooledFeatures } from '../features/sets';
import { mulberry32, shuffle } from '../util/random';
import { type EpochLog, type Hyperparams, outputUnits, trainHead } from './train';

/** Who a fold holds out: people, or (with one person) recordings of that person. */
export type FoldUnit = 'person' | 'recording';

/** Leave-one-out up to this many groups; more are dealt into this many folds. */
export const MAX_FOLDS = 8;

export interface FoldPlan {
  unit: FoldUnit;
  /** The held-out groups of each fold: every group is in exactly one fold. */
  folds: string[][];
  /** A caveat about the estimate, for the user. */
  note?: string;
}

interface Grouped {
  subject: string;
  clip: string;
  label: string;
  augmented: boolean;
}

/** The group of a frame under `unit`: its person, or its recording (clip). */
export function groupOf(unit: FoldUnit, e: { subject: string; clip: string }): string {
  return unit === 'person' ? e.subject : e.clip || '(no clip)';
}

/** Groups dealt round-robin into at most `maxFolds` folds, in the given order. */
function deal(groups: string[], maxFolds: number): string[][] {
  const k = Math.min(groups.length, maxFolds);
  const folds = Array.from({ length: k }, () => [] as string[]);
  for (const [i, g] of groups.entries()) folds[i % k].push(g);
  return folds.map((f) => f.sort());
}

/**
 * The folds for a dataset: over people when there are two or more (leave-one-person-out up to
 * `maxFolds`, else people dealt in a seeded order); with one person, over its recordings, dealt
 * class by class so every fold holds out some of each class. Throws when neither is possible.
 */
export function planFolds(examples: Grouped[], dataset: string, maxFolds = MAX_FOLDS, seed = 1): FoldPlan {
  const originals = examples.filter((e) => !e.augmented);
  const people = [...new Set(originals.map((e) => e.subject))].sort();
  if (people.length >= 2) {
    const order = people.length <= maxFolds ? people : shuffle(mulberry32(seed), [...people]);
    return { unit: 'person', folds: deal(order, maxFolds) };
  }
  // One person: a recording's frames are near-duplicates of each other, so they stay together.
  const labelsOf = new Map<string, Map<string, number>>();
  for (const e of originals) {
    const g = groupOf('recording', e);
    const counts = labelsOf.get(g) ?? new Map<string, number>();
    counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
    labelsOf.set(g, counts);
  }
  const majority = (g: string) =>
    [...(labelsOf.get(g) ?? [])].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
  const recordings = [...labelsOf.keys()].sort((a, b) => {
    const [la, lb] = [majority(a), majority(b)];
    return la < lb ? -1 : la > lb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
  if (recordings.length < 2) {
    throw new Error(
      `${dataset}: one person (${people[0]}) in one recording: cross-validation needs two people, or two ` +
        'recordings of one person (frames named <person>_<recording>_<frame>.jpg, as the page records them)',
    );
  }
  const perFrame = recordings.length === originals.length;
  return {
    unit: 'recording',
    folds: deal(recordings, maxFolds),
    note:
      `one person (${people[0]}): folds hold out recordings, so the score says how the model carries to a new ` +
      'recording of this person, not to a new person' +
      (perFrame ? '; no file name tells recordings apart, so neighbouring frames may fall in different folds' : ''),
  };
}

/** Where an epoch belongs: a fold (from 1) or the final training (no fold), of `epochs`. */
export interface EpochAt {
  fold?: number;
  epochs: number;
}

export interface CvFold {
  heldOut: string[];
  /** Held-out original frames, and the frames (variants included) trained on. */
  frames: number;
  trainFrames: number;
}

export interface GroupScore {
  group: string;
  frames: number;
  metrics: MetricsSummary;
  /** The game's actions at the chosen thresholds. */
  actions: MetricsSummary;
}

export interface CrossValidation {
  unit: FoldUnit;
  folds: CvFold[];
  /** Mean loss over every held-out frame after each epoch. */
  heldOutLoss: number[];
  /** The epoch count chosen: the lowest held-out loss (ties: fewer), or the full budget. */
  epochs: number;
  /** The task's decision rule with the thresholds chosen on the held-out frames. */
  rule: ModelRule;
  /** False when no threshold met the rule's precision >= recall and the best F1 was taken. */
  thresholdsConstrained: boolean;
  thresholdRule: string;
  /** Pooled held-out class metrics at the chosen epoch. */
  metrics: Metrics;
  /** Pooled held-out game actions at the chosen thresholds (slightly optimistic: chosen on them). */
  actions: Metrics;
  perGroup: GroupScore[];
  note?: string;
  seconds: number;
}

export interface CvOptions {
  task: Task;
  hyperparams: Hyperparams;
  pool: PooledFeatures;
  plan: FoldPlan;
  /** Choose the epochs by held-out loss (default); false keeps the whole budget (the article's fixed epochs). */
  chooseEpochs?: boolean;
  onFold?: (fold: number, folds: number, heldOut: string[]) => void;
  onEpoch?: (log: EpochLog, at: EpochAt) => void;
  onBatch?: (done: number, total: number) => void;
  /** Stops at the end of the current batch; crossValidate then throws CvInterrupted. */
  signal?: AbortSignal;
}

export class CvInterrupted extends Error {
  constructor() {
    super('cross-validation interrupted');
    this.name = 'CvInterrupted';
  }
}

/** The decision rule's thresholds chosen on held-out outputs by THRESHOLD_RULE, on chapter 07's grids. */
function chooseRule(task: Task, outputs: Float32Array, labels: string[]): { rule: ModelRule; constrained: boolean } {
  if (task === 'ternary') {
    const c = chooseThresholds(thresholdSweep(outputs, labels, THRESHOLD_GRID));
    return { rule: { task, thresholds: { other: c.point.other, action: c.point.action } }, constrained: c.constrained };
  }
  const c = chooseBinaryThreshold(binaryThresholdSweep(outputs, labels));
  return { rule: { task, thresholds: { punch: c.point.threshold } }, constrained: c.constrained };
}

export async function crossValidate(options: CvOptions): Promise<CrossValidation> {
  const t0 = performance.now();
  const { task, hyperparams: hp, pool, plan } = options;
  const units = outputUnits(TASK_CLASSES[task]);
  const examples = pool.examples;
  const folds: CvFold[] = [];
  /** Per fold: held-out example indices, and their outputs after each epoch. */
  const heldOutRows: number[][] = [];
  const outputsByEpoch: Float32Array[][] = [];
  const lossSums = new Array<number>(hp.maxEpochs).fill(0);
  for (const [k, heldOut] of plan.folds.entries()) {
    options.onFold?.(k + 1, plan.folds.length, heldOut);
    const out = new Set(heldOut);
    const inFold = (i: number) => out.has(groupOf(plan.unit, examples[i]));
    const all = examples.map((_, i) => i);
    const trainIdx = all.filter((i) => !inFold(i));
    const testIdx = all.filter((i) => inFold(i) && !examples[i].augmented);
    folds.push({ heldOut, frames: testIdx.length, trainFrames: trainIdx.length });
    heldOutRows.push(testIdx);
    const train = featureRows(pool, trainIdx, task);
    const test = featureRows(pool, testIdx, task);
    const outputs: Float32Array[] = [];
    let result: Awaited<ReturnType<typeof trainHead>>;
    try {
      result = await trainHead(
        train,
        test,
        { ...hp, patience: 0 },
        {
          onEpoch: (log) => options.onEpoch?.(log, { fold: k + 1, epochs: hp.maxEpochs }),
          onBatch: options.onBatch,
          signal: options.signal,
          afterEpoch: (model: tf.LayersModel, log) => {
            outputs.push(predict(model, test));
            lossSums[log.epoch - 1] += (log.valLoss ?? 0) * testIdx.length;
          },
        },
      );
    } catch (err) {
      throw new Error(`fold ${k + 1} (holding out ${heldOut.join(', ')}): ${(err as Error).message}`);
    }
    result.model.dispose();
    if (result.stoppedBy === 'interrupted') throw new CvInterrupted();
    outputsByEpoch.push(outputs);
  }
  const total = folds.reduce((s, f) => s + f.frames, 0);
  const heldOutLoss = lossSums.map((s) => s / total);
  let epochs = hp.maxEpochs;
  if (options.chooseEpochs !== false) {
    epochs = 1;
    for (let e = 2; e <= hp.maxEpochs; e++) if (heldOutLoss[e - 1] < heldOutLoss[epochs - 1]) epochs = e;
  }

  // Every held-out frame once, with its outputs at the chosen epoch.
  const rows = heldOutRows.flat();
  const outputs = new Float32Array(rows.length * units);
  let offset = 0;
  for (const [k, o] of outputsByEpoch.entries()) {
    outputs.set(o[epochs - 1], offset);
    offset += heldOutRows[k].length * units;
  }
  const labels = rows.map((i) => examples[i].label);
  const truth = featureRows(pool, rows, task);
  const classes = truth.classes;
  const predicted = predictedClasses(outputs, units);
  const metrics = computeMetrics(truth.y, predicted, classes);
  const { rule, constrained } = chooseRule(task, outputs, labels);
  const actions = actionMetrics(rule, outputs, labels);

  const groups = [...new Set(rows.map((i) => groupOf(plan.unit, examples[i])))].sort();
  const perGroup = groups.map((group): GroupScore => {
    const at = rows.flatMap((i, r) => (groupOf(plan.unit, examples[i]) === group ? [r] : []));
    const pick = (r: number) => outputs.subarray(r * units, (r + 1) * units);
    const groupOutputs = new Float32Array(at.length * units);
    for (const [j, r] of at.entries()) groupOutputs.set(pick(r), j * units);
    return {
      group,
      frames: at.length,
      metrics: summariseMetrics(
        computeMetrics(
          at.map((r) => truth.y[r]),
          at.map((r) => predicted[r]),
          classes,
        ),
      ),
      actions: summariseMetrics(
        actionMetrics(
          rule,
          groupOutputs,
          at.map((r) => labels[r]),
        ),
      ),
    };
  });
  return {
    unit: plan.unit,
    folds,
    heldOutLoss,
    epochs,
    rule,
    thresholdsConstrained: constrained,
    thresholdRule: THRESHOLD_RULE,
    metrics,
    actions,
    perGroup,
    note: plan.note,
    seconds: (performance.now() - t0) / 1000,
  };
}
