// Chapter 06's results: the sweep's trials ranked on validation, the seed check of the best ones,
// the chosen set-up (saved to the project config) and its transfer to the binary task.
import type { Task } from '../data/tasks';
import type { FeatureSpec } from '../features/spec';
import { displayPath } from '../settings';
import type { LoadedSweepData } from '../sweep/data';
import type { TransferCheck } from '../sweep/save';
import { type SearchSpace, spaceSize } from '../sweep/space';
import {
  RULE_DESCRIPTIONS,
  SEED_CHECK_RULE,
  type SeedCheckRow,
  type SelectionRule,
  type SweepResult,
  type SweepRow,
  type SweepSettings,
} from '../sweep/sweep';
import type { Hyperparams, LossName } from '../train/train';
import { type BaseInput, type ResultsBase, resultsBase } from './common';

export interface SweepResults extends ResultsBase<'06-sweeps'> {
  task: Task;
  features: FeatureSpec;
  data: { dataset: string; augmented: string | null; train: number; val: number; test: number };
  space: SearchSpace;
  gridPoints: number;
  trials: number;
  settings: SweepSettings;
  /** The hyper-parameters the sweep does not vary. */
  fixed: { loss: LossName; balanceClasses: boolean };
  rule: { name: SelectionRule; description: string };
  /** Best first, by the rule. */
  rows: SweepRow[];
  best: SweepRow;
  seedCheck: SeedCheckRow[];
  chosen: { trial: number; rule: string; hyperparams: Hyperparams };
  /** The chosen set-up transferred to the binary task, trained once. */
  binaryCheck: TransferCheck;
  /** The hyper-parameters saved to the project config, per task. */
  hyperparams: Record<Task, Hyperparams>;
  /** The ranked table as CSV (relative to the project). */
  csv: string;
}

export function sweepResults(
  input: BaseInput & {
    features: FeatureSpec;
    data: LoadedSweepData;
    sweep: SweepResult;
    seedCheck: SeedCheckRow[];
    chosen: SweepResult;
    binaryCheck: TransferCheck;
    saved: Record<Task, Hyperparams>;
    csv: string;
  },
): SweepResults {
  const { data, sweep, chosen } = input;
  const fixed = chosen.hyperparams;
  return {
    ...resultsBase('06-sweeps', input),
    task: sweep.task,
    features: input.features,
    data: {
      dataset: displayPath(data.data),
      augmented: data.augmented ? displayPath(data.augmented) : null,
      train: data.train.y.length,
      val: data.val.y.length,
      test: data.test.y.length,
    },
    space: sweep.space,
    gridPoints: spaceSize(sweep.space),
    trials: sweep.rows.length,
    settings: sweep.settings,
    fixed: { loss: fixed.loss, balanceClasses: fixed.balanceClasses },
    rule: { name: sweep.rule, description: RULE_DESCRIPTIONS[sweep.rule] },
    rows: sweep.rows,
    best: sweep.best,
    seedCheck: input.seedCheck,
    chosen: { trial: chosen.best.trial, rule: SEED_CHECK_RULE, hyperparams: chosen.hyperparams },
    binaryCheck: input.binaryCheck,
    hyperparams: input.saved,
    csv: displayPath(input.csv),
  };
}
