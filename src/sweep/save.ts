// Where a sweep's outcome goes: the table as CSV (reports/sweep.csv), and the best set-up into
// models/config.json's hyperparams, where the later chapters (07 game thresholds, 08 export) read it.
import * as path from 'node:path';
import { configPath, type ProjectConfig, readConfig, updateConfig } from '../config';
import type { Task } from '../data/tasks';
import { evaluateHead } from '../eval/evaluate';
import type { SplitFeatures } from '../features/sets';
import { settings } from '../settings';
import { CORRECTED } from '../train/setups';
import { type Hyperparams, trainHead } from '../train/train';
import { relabel } from './data';
import type { SweepResult } from './sweep';
import { sweepTable, writeTableCsv } from './table';

/** reports/sweep.csv for the ternary task (the game's), reports/sweep-binary.csv for binary. */
export function sweepCsvPath(task: Task, dir = settings().reportsDir): string {
  return path.join(dir, task === 'ternary' ? 'sweep.csv' : `sweep-${task}.csv`);
}

/** Writes the ranked table as CSV (atomically); returns the file. */
export async function writeSweepCsv(result: SweepResult, file = sweepCsvPath(result.task)): Promise<string> {
  await writeTableCsv(file, sweepTable(result.rows));
  return file;
}

/**
 * A set-up chosen on one task, for another: the swept values (learning rate, hidden units, dropout,
 * batch size, epochs and patience) carry over; the loss and class weighting stay the target task's.
 */
export function transferHyperparams(hp: Hyperparams, to: Task): Hyperparams {
  return { ...hp, loss: CORRECTED[to].loss, balanceClasses: CORRECTED[to].balanceClasses };
}

/** How the transferred set-up does on its own task: trained once, scored on validation (and test, for information). */
export interface TransferCheck {
  hyperparams: Hyperparams;
  bestEpoch: number;
  epochs: number;
  valLoss: number;
  valAccuracy: number;
  valBalancedAccuracy: number;
  testAccuracy: number;
  testBalancedAccuracy: number;
  seconds: number;
}

/** Trains `to`'s head once with the transfer of `hp` on the same features relabelled: does it learn? */
export async function transferCheck(features: SplitFeatures, hp: Hyperparams, to: Task): Promise<TransferCheck> {
  const hyperparams = transferHyperparams(hp, to);
  const data = relabel(features, to);
  const t0 = performance.now();
  const run = await trainHead(data.train, data.val, hyperparams);
  const val = evaluateHead(run.model, data.val);
  const test = evaluateHead(run.model, data.test);
  run.model.dispose();
  return {
    hyperparams,
    bestEpoch: run.bestEpoch,
    epochs: run.history.length,
    valLoss: run.history[run.bestEpoch - 1].valLoss ?? NaN,
    valAccuracy: val.accuracy,
    valBalancedAccuracy: val.balancedAccuracy,
    testAccuracy: test.accuracy,
    testBalancedAccuracy: test.balancedAccuracy,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * Saves the best set-up as hyperparams[result.task] in models/config.json, and for each task in
 * `alsoFor` its transfer (transferHyperparams). Other parts of the file are kept.
 */
export async function saveBestHyperparams(
  result: SweepResult,
  options: { alsoFor?: Task[]; file?: string } = {},
): Promise<ProjectConfig> {
  const file = options.file ?? configPath();
  const current = await readConfig(file);
  const hyperparams = { ...current.hyperparams, [result.task]: result.hyperparams };
  for (const task of options.alsoFor ?? []) {
    if (task !== result.task) hyperparams[task] = transferHyperparams(result.hyperparams, task);
  }
  return updateConfig({ hyperparams }, file);
}
