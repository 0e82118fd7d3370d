// Chapters 04 and 05: the article's training set-up against the corrected one, on the same features
// and frames. Each run is summarised (metrics on every split, the history, the time); the article's
// runs also get the trend of their last epochs (how fast they were still improving). The results
// type is SetupComparison, built by setupComparison.
import type { Task } from '../data/tasks';
import { type SplitScores, splitScores } from '../eval/metrics';
import type { FeatureSpec } from '../features/spec';
import type { TrainRun } from '../train/run';
import type { EpochLog, Hyperparams } from '../train/train';
import { type BaseInput, type ResultsBase, resultsBase } from './common';

function fixed(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

export interface RunSummary {
  name: string;
  task: Task;
  features: TrainRun['features'];
  hyperparams: Hyperparams;
  epochs: number;
  bestEpoch: number;
  stoppedBy: TrainRun['stoppedBy'];
  examples: { train: number; val: number; test: number };
  metrics: { train: SplitScores; val: SplitScores; test: SplitScores };
  /** Accuracy and loss per epoch on the training split (as trained) and on validation. */
  history: EpochLog[];
  seconds: { features: number; training: number; perEpoch: number };
}

export function runSummary(name: string, run: TrainRun): RunSummary {
  return {
    name,
    task: run.task,
    features: run.features,
    hyperparams: run.hyperparams,
    epochs: run.history.length,
    bestEpoch: run.bestEpoch,
    stoppedBy: run.stoppedBy,
    examples: { train: run.data.train.y.length, val: run.data.val.y.length, test: run.data.test.y.length },
    metrics: {
      train: splitScores(run.metrics.train),
      val: splitScores(run.metrics.val),
      test: splitScores(run.metrics.test),
    },
    history: run.history,
    seconds: { ...run.seconds, perEpoch: run.history.length ? run.seconds.training / run.history.length : 0 },
  };
}

/**
 * One row per run: the training-split accuracy the article reported next to the held-out ones.
 * "last epoch, as trained" is the running accuracy of the final epoch (what fit() logs); the
 * train / validation / test columns score the returned model afterwards.
 */
export function comparisonRows(runs: readonly RunSummary[]): (string | number)[][] {
  return runs.map((r) => [
    r.name,
    `${r.epochs} (${r.stoppedBy}, weights of ${r.bestEpoch})`,
    fixed(r.history.at(-1)?.acc ?? NaN),
    fixed(r.metrics.train.accuracy),
    fixed(r.metrics.val.accuracy),
    fixed(r.metrics.test.accuracy),
    fixed(r.metrics.test.balancedAccuracy),
    r.seconds.training.toFixed(0),
  ]);
}

export const COMPARISON_HEADERS = [
  'set-up',
  'epochs',
  'last epoch acc. (as trained)',
  'train acc.',
  'val acc.',
  'test acc.',
  'test balanced acc.',
  'training s',
];

/** Precision, recall, F1 and support per class of one split, one row per class. */
export function perClassRows(scores: SplitScores): (string | number)[][] {
  return Object.entries(scores.perClass).map(([cls, m]) => [
    cls,
    fixed(m.precision),
    fixed(m.recall),
    fixed(m.f1),
    m.support,
  ]);
}

export const PER_CLASS_HEADERS = ['class', 'precision', 'recall', 'F1', 'support'];

export const TREND_KEYS = ['loss', 'acc', 'valLoss', 'valAcc'] as const;
export type TrendKey = (typeof TREND_KEYS)[number];

export interface EpochTrend {
  /** Least-squares change per epoch. */
  slope: number;
  last: number;
  /** Epochs the slope was fitted on. */
  epochs: number;
}

/** Least-squares slope per epoch of `key` over the last `lastN` epochs that have it. */
export function trend(history: readonly EpochLog[], key: TrendKey, lastN = 10): EpochTrend {
  const pts = history.filter((h) => h[key] !== undefined).slice(-lastN);
  const n = pts.length;
  if (n === 0) return { slope: NaN, last: NaN, epochs: 0 };
  const last = pts[n - 1][key] as number;
  if (n < 2) return { slope: 0, last, epochs: n };
  const mx = pts.reduce((s, p) => s + p.epoch, 0) / n;
  const my = pts.reduce((s, p) => s + (p[key] as number), 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of pts) {
    sxy += (p.epoch - mx) * ((p[key] as number) - my);
    sxx += (p.epoch - mx) ** 2;
  }
  return { slope: sxx === 0 ? 0 : sxy / sxx, last, epochs: n };
}

/** The trend of every logged quantity over the last `lastN` epochs. */
export function historyTrends(history: readonly EpochLog[], lastN = 10): Record<TrendKey, EpochTrend> {
  return Object.fromEntries(TREND_KEYS.map((k) => [k, trend(history, k, lastN)])) as Record<TrendKey, EpochTrend>;
}

/** Test accuracy of always answering the most frequent class (what accuracy alone flatters). */
export function majorityAccuracy(scores: SplitScores): number {
  const supports = Object.values(scores.perClass).map((c) => c.support);
  return Math.max(...supports) / supports.reduce((a, b) => a + b, 0);
}

/** A run as the chapter reports it: its summary, what it trained on, and (article runs) its trend. */
export interface SetupRun extends RunSummary {
  trainingData: string;
  trend?: Record<TrendKey, EpochTrend>;
}

export function setupRun(summary: RunSummary, trainingData: string, trendEpochs?: number): SetupRun {
  return {
    ...summary,
    trainingData,
    ...(trendEpochs === undefined ? {} : { trend: historyTrends(summary.history, trendEpochs) }),
  };
}

export interface SetupComparison extends ResultsBase<'04-binary' | '05-ternary'> {
  task: Task;
  features: FeatureSpec;
  /** Epochs of the article's set-up on the full training set (a profile number: 50, or 2 in a smoke run). */
  articleEpochs: number;
  note: string;
  /** Test accuracy of always answering the most frequent class, for the last run's test split. */
  majorityTestAccuracy: number;
  runs: SetupRun[];
}

export function setupComparison(
  input: BaseInput & {
    chapter: '04-binary' | '05-ternary';
    task: Task;
    features: FeatureSpec;
    articleEpochs: number;
    note: string;
    runs: SetupRun[];
  },
): SetupComparison {
  const last = input.runs[input.runs.length - 1];
  if (!last) throw new Error('setupComparison: no runs');
  return {
    ...resultsBase(input.chapter, {
      ...input,
      parts: { training: input.runs.reduce((s, r) => s + r.seconds.training, 0) },
    }),
    task: input.task,
    features: input.features,
    articleEpochs: input.articleEpochs,
    note: input.note,
    majorityTestAccuracy: majorityAccuracy(last.metrics.test),
    runs: input.runs,
  };
}
