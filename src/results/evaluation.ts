// Chapter 07: the final models on every split, and the game's decision rule on them. The thresholds
// are chosen on the validation split by the rule in eval/thresholds.ts and reported once on test,
// next to the article's. thresholdStudy computes it all; evaluationResults is the results file.
import { TASKS, type Task } from '../data/tasks';
import { ARTICLE_THRESHOLDS, type Thresholds } from '../decision';
import { actionMetrics, predict, type ThresholdPoint, thresholdSweep } from '../eval/evaluate';
import type { Metrics, SplitScores } from '../eval/metrics';
import { splitScores } from '../eval/metrics';
import {
  type BinaryThresholdPoint,
  binaryActionMetrics,
  binaryThresholdSweep,
  type Choice,
  chooseBinaryThreshold,
  chooseThresholds,
  THRESHOLD_GRID,
  THRESHOLD_RULE,
} from '../eval/thresholds';
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
  /** The 3-way rule's grid on validation, the choice, and the chosen thresholds. */
  sweep: ThresholdPoint[];
  choice: Choice<ThresholdPoint>;
  chosen: Thresholds;
  /** The binary rule's single threshold likewise. */
  binarySweep: BinaryThresholdPoint[];
  binaryChoice: Choice<BinaryThresholdPoint>;
  binaryChosen: number;
  /** The game's actions at the article's and at the chosen thresholds, per model and split. */
  actions: Record<Task, Record<Split, { article: Metrics; chosen: Metrics }>>;
}

/** The thresholds a model ships with: the 3-way pair, or the binary threshold as both. */
export function modelThresholds(study: ThresholdStudy, task: Task): Thresholds {
  return task === 'ternary' ? study.chosen : { any: study.binaryChosen, action: study.binaryChosen };
}

/** Outputs, threshold sweeps on validation, the choices, and the actions on both splits. */
export function thresholdStudy(runs: Record<Task, TrainRun>): ThresholdStudy {
  const rows = runs.ternary.data.rows;
  const labels = { val: rows.val.map((e) => e.label), test: rows.test.map((e) => e.label) };
  const outputs = {
    ternary: { val: predict(runs.ternary.model, runs.ternary.data.val), test: runs.ternary.testOutputs },
    binary: { val: predict(runs.binary.model, runs.binary.data.val), test: runs.binary.testOutputs },
  };
  const sweep = thresholdSweep(outputs.ternary.val, labels.val, THRESHOLD_GRID);
  const choice = chooseThresholds(sweep);
  const chosen = { any: choice.point.any, action: choice.point.action };
  const binarySweep = binaryThresholdSweep(outputs.binary.val, labels.val);
  const binaryChoice = chooseBinaryThreshold(binarySweep);
  const binaryChosen = binaryChoice.point.threshold;
  const actionsOn = (split: Split) => ({
    ternary: {
      article: actionMetrics(outputs.ternary[split], labels[split], ARTICLE_THRESHOLDS),
      chosen: actionMetrics(outputs.ternary[split], labels[split], chosen),
    },
    binary: {
      article: binaryActionMetrics(outputs.binary[split], labels[split], ARTICLE_THRESHOLDS.any),
      chosen: binaryActionMetrics(outputs.binary[split], labels[split], binaryChosen),
    },
  });
  const [val, test] = [actionsOn('val'), actionsOn('test')];
  return {
    labels,
    outputs,
    sweep,
    choice,
    chosen,
    binarySweep,
    binaryChoice,
    binaryChosen,
    actions: {
      ternary: { val: val.ternary, test: test.ternary },
      binary: { val: val.binary, test: test.binary },
    },
  };
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
  features: FeatureSpec;
  trainingDataHash: string;
  models: Record<Task, FinalModelResult>;
  /** The exported float32 models: folder (relative to the project) and weight bytes. */
  exported: Record<Task, { dir: string; weightBytes: number }>;
  thresholds: {
    rule: string;
    grid: { any: number[]; action: number[] };
    article: Thresholds;
    chosen: Thresholds;
    /** False when no grid point met the rule's constraint and the best F1 was taken. */
    constrained: boolean;
    binary: { article: number; chosen: number; constrained: boolean };
    /** The 3-way rule's actions (punch, kick, none) on each split. */
    ternary: ArticleVsChosen;
    /** The binary rule's actions (punch, none) on each split. */
    binaryActions: ArticleVsChosen;
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
  const scored = (task: Task): ArticleVsChosen => ({
    val: { article: splitScores(study.actions[task].val.article), chosen: splitScores(study.actions[task].val.chosen) },
    test: {
      article: splitScores(study.actions[task].test.article),
      chosen: splitScores(study.actions[task].test.chosen),
    },
  });
  const sum = (key: 'features' | 'training') => TASKS.reduce((s, t) => s + runs[t].seconds[key], 0);
  return {
    ...resultsBase('07-evaluation', { ...input, parts: { features: sum('features'), training: sum('training') } }),
    features: runs.ternary.features,
    trainingDataHash: runs.ternary.trainingDataHash,
    models: { ternary: finalModelResult(runs.ternary), binary: finalModelResult(runs.binary) },
    exported: input.exported,
    thresholds: {
      rule: THRESHOLD_RULE,
      grid: THRESHOLD_GRID,
      article: ARTICLE_THRESHOLDS,
      chosen: study.chosen,
      constrained: study.choice.constrained,
      binary: {
        article: ARTICLE_THRESHOLDS.any,
        chosen: study.binaryChosen,
        constrained: study.binaryChoice.constrained,
      },
      ternary: scored('ternary'),
      binaryActions: scored('binary'),
    },
  };
}
