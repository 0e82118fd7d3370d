// Chapter 07: the final models on every split, and the game's decision rule on them. The thresholds
// are chosen on the validation split by the rule in eval/thresholds.ts and reported once on test,
// next to the article's. thresholdStudy computes it all; evaluationResults is the results file.
import { TASKS, type Task } from '../data/tasks';
import { ARTICLE_THRESHOLDS, modelRule, type ThresholdsByTask } from '../decision';
import { actionMetrics, predict, type ThresholdGrid, type ThresholdPoint, thresholdSweep } from '../eval/evaluate';
import type { Metrics, SplitScores } from '../eval/metrics';
import { splitScores } from '../eval/metrics';
import {
  BINARY_GRID,
  type BinaryThresholdPoint,
  binaryThresholdSweep,
  type Choice,
  chooseBinaryThreshold,
  chooseThresholds,
  THRESHOLD_GRID,
  THRESHOLD_RULE,
} from '../eval/thresholds';
import { wholeFrameSpec } from '../features/kinds';
import type { FeatureSpec } from '../features/spec';
import type { TrainRun } from '../train/run';
import type { Hyperparams } from '../train/train';
import { type BaseInput, type ResultsBase, resultsBase } from './common';

type Split = 'val' | 'test';

export interface ThresholdStudy {
  /** True labels of the validation and test rows (the same rows for both models). */
  labels: Record<Split, string[]>;
  /** Each model's outputs on validation and test. */
  outputs: Record<Task, Record<Split, Float32Array>>;
  /** The 3-way rule's grid, its points scored on validation, and the choice. */
  grid: ThresholdGrid;
  sweep: ThresholdPoint[];
  choice: Choice<ThresholdPoint>;
  /** The binary rule's single threshold likewise. */
  binarySweep: BinaryThresholdPoint[];
  binaryChoice: Choice<BinaryThresholdPoint>;
  /** The chosen thresholds of both models: what config.json and each model's metadata keep. */
  chosen: ThresholdsByTask;
  /** The game's actions at the article's and at the chosen thresholds, per model and split. */
  actions: Record<Task, Record<Split, { article: Metrics; chosen: Metrics }>>;
}

/**
 * Outputs, threshold sweeps on validation, the choices, and the actions on both splits; `grid` is
 * the (other, action) pairs the 3-way rule may choose from.
 */
export function thresholdStudy(runs: Record<Task, TrainRun>, grid: ThresholdGrid = THRESHOLD_GRID): ThresholdStudy {
  const rows = runs.ternary.data.rows;
  const labels = { val: rows.val.map((e) => e.label), test: rows.test.map((e) => e.label) };
  const outputs = {
    ternary: { val: predict(runs.ternary.model, runs.ternary.data.val), test: runs.ternary.testOutputs },
    binary: { val: predict(runs.binary.model, runs.binary.data.val), test: runs.binary.testOutputs },
  };
  // Only validation outputs take part in the choice.
  const sweep = thresholdSweep(outputs.ternary.val, labels.val, grid);
  const choice = chooseThresholds(sweep);
  const binarySweep = binaryThresholdSweep(outputs.binary.val, labels.val);
  const binaryChoice = chooseBinaryThreshold(binarySweep);
  const chosen: ThresholdsByTask = {
    ternary: { other: choice.point.other, action: choice.point.action },
    binary: { punch: binaryChoice.point.threshold },
  };
  const scored = (task: Task, split: Split) => ({
    article: actionMetrics(modelRule(task, ARTICLE_THRESHOLDS), outputs[task][split], labels[split]),
    chosen: actionMetrics(modelRule(task, chosen), outputs[task][split], labels[split]),
  });
  const actions = Object.fromEntries(
    TASKS.map((task) => [task, { val: scored(task, 'val'), test: scored(task, 'test') }]),
  ) as ThresholdStudy['actions'];
  return { labels, outputs, grid, sweep, choice, binarySweep, binaryChoice, chosen, actions };
}

export interface FinalModelResult {
  hyperparams: Hyperparams;
  epochs: { trained: number; best: number; stoppedBy: TrainRun['stoppedBy'] };
  examples: { train: number; val: number; test: number };
  accuracy: { train: number; val: number; test: number };
  balancedAccuracy: { train: number; val: number; test: number };
  test: SplitScores;
  seconds: TrainRun['seconds'];
}

type ArticleVsChosen = Record<Split, { article: SplitScores; chosen: SplitScores }>;

export interface EvaluationResults extends ResultsBase<'07-evaluation'> {
  features: FeatureSpec & { featureSize: number };
  trainingDataHash: string;
  models: Record<Task, FinalModelResult>;
  /** The exported float32 models: folder (relative to the project) and weight bytes. */
  exported: Record<Task, { dir: string; weightBytes: number }>;
  thresholds: {
    rule: string;
    /** The grids searched on validation: the 3-way (other, action) pairs and the binary punch threshold. */
    grid: ThresholdGrid & { binary: number[] };
    article: ThresholdsByTask;
    chosen: ThresholdsByTask;
    /** False when no grid point met the rule's constraint and the best F1 was taken. */
    constrained: Record<Task, boolean>;
    /** The rule's actions on each split: punch / kick / none for the 3-way model, punch / none for the binary. */
    actions: Record<Task, ArticleVsChosen>;
  };
}

function finalModelResult(run: TrainRun): FinalModelResult {
  const m = run.metrics;
  return {
    hyperparams: run.hyperparams,
    epochs: { trained: run.history.length, best: run.bestEpoch, stoppedBy: run.stoppedBy },
    examples: { train: run.data.train.y.length, val: run.data.val.y.length, test: run.data.test.y.length },
    accuracy: { train: m.train.accuracy, val: m.val.accuracy, test: m.test.accuracy },
    balancedAccuracy: { train: m.train.balancedAccuracy, val: m.val.balancedAccuracy, test: m.test.balancedAccuracy },
    test: splitScores(m.test),
    seconds: run.seconds,
  };
}

export function evaluationResults(
  input: BaseInput & {
    runs: Record<Task, TrainRun>;
    study: ThresholdStudy;
    exported: Record<Task, { dir: string; weightBytes: number }>;
  },
): EvaluationResults {
  const { runs, study } = input;
  const scored = (task: Task): ArticleVsChosen => {
    const at = (split: Split) => ({
      article: splitScores(study.actions[task][split].article),
      chosen: splitScores(study.actions[task][split].chosen),
    });
    return { val: at('val'), test: at('test') };
  };
  const sum = (key: 'features' | 'training') => TASKS.reduce((s, t) => s + runs[t].seconds[key], 0);
  return {
    ...resultsBase('07-evaluation', { ...input, parts: { features: sum('features'), training: sum('training') } }),
    features: {
      ...wholeFrameSpec(runs.ternary.features, 'chapter 07'),
      featureSize: runs.ternary.features.featureSize,
    },
    trainingDataHash: runs.ternary.trainingDataHash,
    models: { ternary: finalModelResult(runs.ternary), binary: finalModelResult(runs.binary) },
    exported: input.exported,
    thresholds: {
      rule: THRESHOLD_RULE,
      grid: { ...study.grid, binary: BINARY_GRID },
      article: ARTICLE_THRESHOLDS,
      chosen: study.chosen,
      constrained: { ternary: study.choice.constrained, binary: study.binaryChoice.constrained },
      actions: { ternary: scored('ternary'), binary: scored('binary') },
    },
  };
}
