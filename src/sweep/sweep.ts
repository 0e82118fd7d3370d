// A hyper-parameter sweep on cached features: one trainHead run per trial (early stopping on the
// validation loss), each scored on the validation split. The best trial is chosen on validation
// alone; test accuracy is recorded for information and never used to choose.

import type { Task } from '../data/tasks';
import { evaluateHead } from '../eval/evaluate';
import type { FeatureSet } from '../features/sets';
import { FULL, type Profile, settings } from '../settings';
import { trainHeads } from '../train/parallel';
import { CORRECTED } from '../train/setups';
import type { EpochLog, Hyperparams, TrainResult } from '../train/train';
import { planTrials, type SearchSpace, SWEPT, type Trial, type TrialParams } from './space';

/**
 * How the best trial is chosen. 'valLoss' (the default): the lowest validation cross-entropy, ties
 * broken by balanced accuracy. 'valBalancedAccuracy': the highest validation balanced accuracy,
 * ties broken by loss.
 */
export type SelectionRule = 'valLoss' | 'valBalancedAccuracy';
export const SELECTION_RULES: readonly SelectionRule[] = ['valLoss', 'valBalancedAccuracy'];
export const RULE_DESCRIPTIONS: Record<SelectionRule, string> = {
  valLoss:
    'lowest validation loss, ties by validation balanced accuracy; test accuracy is recorded for information ' +
    'and never used to choose',
  valBalancedAccuracy:
    'highest validation balanced accuracy, ties by validation loss; test accuracy is recorded for information ' +
    'and never used to choose',
};
/** How chooseAfterSeedCheck picks (chapter 06). */
export const SEED_CHECK_RULE =
  "lowest mean validation loss over seeds among the top 3 (the sweep's best when the seed check is skipped)";
export const DEFAULT_RULE: SelectionRule = 'valLoss';

export interface SweepData {
  train: FeatureSet;
  val: FeatureSet;
  /** Scored for information only: never used to choose. */
  test?: FeatureSet;
}

export interface SweepSettings {
  maxEpochs: number;
  /** Epochs without a better validation loss before a trial stops. */
  patience: number;
  /** Seed of the trial sample and of every trial's training (initial weights, dropout, batch order). */
  seed: number;
}

/** A profile's trial settings (settings.ts: FULL, SMOKE). */
export function sweepSettings(profile: Profile = settings().profile): SweepSettings {
  const { maxEpochs, patience, seed } = profile.sweep;
  return { maxEpochs, patience, seed };
}

export const DEFAULT_SETTINGS: SweepSettings = sweepSettings(FULL);

export interface SweepOptions extends Partial<SweepSettings> {
  task: Task;
  space: SearchSpace;
  /** Random distinct grid points, or the whole grid. */
  trials: number | 'grid';
  rule?: SelectionRule;
  /** Fixed hyper-parameters (loss, class weights); default the corrected set-up of the task. */
  base?: Hyperparams;
  onTrial?: (row: SweepRow, done: number, total: number) => void;
  onEpoch?: (trial: Trial, log: EpochLog) => void;
  /** Threads the trials train on (default: the pool's choice, KOMBAT_WORKERS). */
  workers?: number;
  /** Stops the sweep: the trials in training are dropped, the finished ones are returned. */
  signal?: AbortSignal;
}

/** One trial's outcome: a row of the sweep table. */
export interface SweepRow extends TrialParams {
  /** 1 = best by the selection rule. */
  rank: number;
  trial: number;
  valLoss: number;
  valAccuracy: number;
  valBalancedAccuracy: number;
  /** Epoch whose weights were kept (lowest validation loss). */
  bestEpoch: number;
  epochs: number;
  /** A row is a finished trial: an interrupted sweep drops the trials that were cut short. */
  stoppedBy: 'max-epochs' | 'early-stopping';
  seconds: number;
  /** For information only: selection never looks at it. NaN without a test set. */
  testAccuracy: number;
}

/** Columns of the sweep table, in order. */
export const SWEEP_COLUMNS: readonly (keyof SweepRow)[] = [
  'rank',
  'trial',
  ...SWEPT,
  'valLoss',
  'valAccuracy',
  'valBalancedAccuracy',
  'bestEpoch',
  'epochs',
  'stoppedBy',
  'seconds',
  'testAccuracy',
];

export interface SweepResult {
  task: Task;
  rule: SelectionRule;
  space: SearchSpace;
  settings: SweepSettings;
  /** Trials planned (finished ones are in rows). */
  planned: number;
  /** Best first, by the rule. */
  rows: SweepRow[];
  best: SweepRow;
  /** The best trial's full set-up: what a final training should use. */
  hyperparams: Hyperparams;
  interrupted: boolean;
  seconds: number;
}

/** Orders rows best first by the rule; then by trial number so the order is total. */
export function compareRows(rule: SelectionRule): (a: SweepRow, b: SweepRow) => number {
  const loss = (a: SweepRow, b: SweepRow) => a.valLoss - b.valLoss;
  const bal = (a: SweepRow, b: SweepRow) => b.valBalancedAccuracy - a.valBalancedAccuracy;
  const [first, second] = rule === 'valLoss' ? [loss, bal] : [bal, loss];
  return (a, b) => first(a, b) || second(a, b) || a.trial - b.trial;
}

/** Rows sorted best first, with rank filled in. */
export function rankRows(rows: readonly SweepRow[], rule: SelectionRule): SweepRow[] {
  return [...rows].sort(compareRows(rule)).map((r, i) => ({ ...r, rank: i + 1 }));
}

/** A trial's full hyper-parameters: the fixed ones from `base`, the swept ones from the trial. */
export function trialHyperparams(base: Hyperparams, trial: TrialParams, settings: SweepSettings): Hyperparams {
  return {
    ...base,
    learningRate: trial.learningRate,
    hidden: trial.hidden,
    dropout: trial.dropout,
    batchSize: trial.batchSize,
    maxEpochs: settings.maxEpochs,
    patience: settings.patience,
    seed: settings.seed,
  };
}

function checkSettings(s: SweepSettings): void {
  if (!Number.isInteger(s.maxEpochs) || s.maxEpochs < 1)
    throw new Error(`maxEpochs must be a positive integer, got ${s.maxEpochs}`);
  if (!Number.isInteger(s.patience) || s.patience < 0)
    throw new Error(`patience must be a non-negative integer, got ${s.patience}`);
  if (!Number.isInteger(s.seed) || s.seed < 0) throw new Error(`seed must be a non-negative integer, got ${s.seed}`);
}

export async function runSweep(data: SweepData, options: SweepOptions): Promise<SweepResult> {
  const settings: SweepSettings = {
    maxEpochs: options.maxEpochs ?? DEFAULT_SETTINGS.maxEpochs,
    patience: options.patience ?? DEFAULT_SETTINGS.patience,
    seed: options.seed ?? DEFAULT_SETTINGS.seed,
  };
  checkSettings(settings);
  const rule = options.rule ?? DEFAULT_RULE;
  if (!SELECTION_RULES.includes(rule))
    throw new Error(`unknown selection rule "${rule}" (use ${SELECTION_RULES.join(' or ')})`);
  const base = options.base ?? CORRECTED[options.task];
  const plan = planTrials(options.space, options.trials, settings.seed);
  if (data.val.y.length === 0) throw new Error('the validation split is empty: a sweep chooses on validation');

  const t0 = performance.now();
  const rows: SweepRow[] = [];
  // The trials are independent: they train side by side on the pool's threads, each exactly as it would alone.
  const jobs = plan.map((trial) => ({
    train: data.train,
    val: data.val,
    hyperparams: trialHyperparams(base, trial, settings),
  }));
  const onResult = (i: number, result: TrainResult) => {
    const trial = plan[i];
    try {
      const { stoppedBy } = result;
      if (stoppedBy === 'interrupted') throw new Error(`trial ${trial.trial} came back unfinished`);
      const val = evaluateHead(result.model, data.val);
      const row: SweepRow = {
        rank: 0,
        trial: trial.trial,
        learningRate: trial.learningRate,
        hidden: trial.hidden,
        dropout: trial.dropout,
        batchSize: trial.batchSize,
        valLoss: result.history[result.bestEpoch - 1].valLoss ?? NaN,
        valAccuracy: val.accuracy,
        valBalancedAccuracy: val.balancedAccuracy,
        bestEpoch: result.bestEpoch,
        epochs: result.history.length,
        stoppedBy,
        seconds: result.history.reduce((sum, h) => sum + h.seconds, 0),
        testAccuracy: data.test && data.test.y.length > 0 ? evaluateHead(result.model, data.test).accuracy : NaN,
      };
      rows.push(row);
      options.onTrial?.(row, rows.length, plan.length);
    } finally {
      result.model.dispose();
    }
  };
  try {
    await trainHeads(jobs, {
      workers: options.workers,
      signal: options.signal,
      onEpoch: options.onEpoch ? (i, log) => options.onEpoch?.(plan[i], log) : undefined,
      onResult,
    });
  } catch (err) {
    // Interrupted: the trials that finished are kept, ranked and reported as an interrupted sweep.
    if (!options.signal?.aborted) throw err;
  }
  if (rows.length === 0)
    throw new Error(options.signal?.aborted ? 'sweep interrupted before the first trial finished' : 'no trial ran');
  const ranked = rankRows(rows, rule);
  const best = ranked[0];
  return {
    task: options.task,
    rule,
    space: options.space,
    settings,
    planned: plan.length,
    rows: ranked,
    best,
    hyperparams: trialHyperparams(base, best, settings),
    interrupted: rows.length < plan.length,
    seconds: (performance.now() - t0) / 1000,
  };
}

export interface SeedCheckRow extends TrialParams {
  trial: number;
  /** The sweep's seed first, then the extra ones. */
  seeds: number[];
  valLoss: number[];
  valAccuracy: number[];
  meanValLoss: number;
  meanValAccuracy: number;
  /** Sample standard deviation over seeds (0 with one seed). */
  sdValAccuracy: number;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) =>
  v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1));

/**
 * Re-trains the `top` best trials with other seeds (initial weights, dropout masks, batch order):
 * how much of the gap between them is the luck of one seed. Validation only, as the sweep.
 */
export async function seedCheck(
  data: SweepData,
  result: SweepResult,
  options: {
    top: number;
    seeds: number[];
    base?: Hyperparams;
    /** Each run as it finishes (completion order). */
    onRun?: (trial: number, seed: number, valLoss: number, valAccuracy: number) => void;
    /** Threads (default: the pool's choice). */
    workers?: number;
  },
): Promise<SeedCheckRow[]> {
  const base = options.base ?? CORRECTED[result.task];
  const top = result.rows.slice(0, options.top);
  // Every (trial, seed) run is independent: they train side by side on the pool's threads.
  const runs = top.flatMap((row) => options.seeds.map((seed) => ({ row, seed })));
  const scores = new Array<{ valLoss: number; valAccuracy: number }>(runs.length);
  await trainHeads(
    runs.map(({ row, seed }) => ({
      train: data.train,
      val: data.val,
      hyperparams: trialHyperparams(base, row, { ...result.settings, seed }),
    })),
    {
      workers: options.workers,
      onResult: (i, trained) => {
        const valAccuracy = evaluateHead(trained.model, data.val).accuracy;
        const valLoss = trained.history[trained.bestEpoch - 1].valLoss ?? NaN;
        trained.model.dispose();
        scores[i] = { valLoss, valAccuracy };
        options.onRun?.(runs[i].row.trial, runs[i].seed, valLoss, valAccuracy);
      },
    },
  );
  return top.map((row, k) => {
    const mine = scores.slice(k * options.seeds.length, (k + 1) * options.seeds.length);
    const valLoss = [row.valLoss, ...mine.map((m) => m.valLoss)];
    const valAccuracy = [row.valAccuracy, ...mine.map((m) => m.valAccuracy)];
    return {
      trial: row.trial,
      learningRate: row.learningRate,
      hidden: row.hidden,
      dropout: row.dropout,
      batchSize: row.batchSize,
      seeds: [result.settings.seed, ...options.seeds],
      valLoss,
      valAccuracy,
      meanValLoss: mean(valLoss),
      meanValAccuracy: mean(valAccuracy),
      sdValAccuracy: sd(valAccuracy),
    };
  });
}

/**
 * The seed-checked choice: among the re-trained configurations, the lowest mean validation loss
 * over seeds (or the highest mean validation accuracy under the other rule). Less at the mercy of
 * one lucky seed than the sweep's own best. Still validation only.
 */
export function chooseAfterSeedCheck(result: SweepResult, check: readonly SeedCheckRow[]): SweepResult {
  if (check.length === 0) return result;
  const sorted = [...check].sort((a, b) =>
    result.rule === 'valLoss'
      ? a.meanValLoss - b.meanValLoss || a.trial - b.trial
      : b.meanValAccuracy - a.meanValAccuracy || a.trial - b.trial,
  );
  const best = result.rows.find((r) => r.trial === sorted[0].trial);
  if (!best) throw new Error(`seed check names trial ${sorted[0].trial}, which the sweep did not run`);
  return {
    ...result,
    best,
    hyperparams: {
      ...result.hyperparams,
      learningRate: best.learningRate,
      hidden: best.hidden,
      dropout: best.dropout,
      batchSize: best.batchSize,
    },
  };
}
