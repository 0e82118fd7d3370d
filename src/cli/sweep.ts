import * as path from 'node:path';
import { type Command, Option } from 'commander';
import { configPath, readConfig } from '../config';
import { TASKS, type Task } from '../data';
import { displayPath, FULL } from '../settings';
import {
  DEFAULT_RULE,
  DEFAULT_SETTINGS,
  DEFAULT_SPACE,
  describeSpace,
  formatRate,
  loadSweepData,
  runSweep,
  SELECTION_RULES,
  type SelectionRule,
  type SweepResult,
  type SweepRow,
  saveBestHyperparams,
  spaceSize,
  sweepCsvPath,
  writeSweepCsv,
} from '../sweep';
import { nonNegativeInt, positiveInt, seedOption } from './options';

/** Trials of the default sweep: chapter 06's (the full run profile), about 6-8 minutes on 2 cores. */
export const DEFAULT_TRIALS = FULL.sweep.trials;

function trialLine(r: SweepRow): string {
  const stopped = r.stoppedBy === 'early-stopping' ? '' : ` (${r.stoppedBy})`;
  return (
    `lr ${formatRate(r.learningRate).padEnd(4)} hidden ${String(r.hidden).padStart(4)} ` +
    `dropout ${r.dropout.toFixed(2)} batch ${String(r.batchSize).padStart(3)}` +
    `  val loss ${r.valLoss.toFixed(4)} acc ${r.valAccuracy.toFixed(3)} bal ${r.valBalancedAccuracy.toFixed(3)}` +
    `  epoch ${r.bestEpoch}/${r.epochs}${stopped}  ${r.seconds.toFixed(1)} s`
  );
}

interface SweepCliOptions {
  trials: number;
  grid?: boolean;
  task: Task;
  data?: string;
  augmented?: string;
  seed: number;
  maxEpochs: number;
  patience: number;
  rule: SelectionRule;
  out?: string;
  config: boolean;
  transfer: boolean;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description(
      'hyper-parameter search (learning rate, hidden units, dropout, batch size) on cached features; best by ' +
        'validation, saved to models/config.json',
    )
    .option('--trials <n>', 'random distinct points of the search space', positiveInt, DEFAULT_TRIALS)
    .option('--grid', `every point of the space (${spaceSize(DEFAULT_SPACE)}) instead of a random sample`)
    .addOption(new Option('--task <task>', 'classes to train').choices([...TASKS]).default('ternary'))
    .option('--data <dir>', 'dataset folder (default data/builtin)')
    .option('--augmented <dir>', 'augmented training frames (default <data>-aug when it exists)')
    .option('--seed <n>', 'seed of the trial sample and of every training run', seedOption, DEFAULT_SETTINGS.seed)
    .option('--max-epochs <n>', 'epochs per trial at most', positiveInt, DEFAULT_SETTINGS.maxEpochs)
    .option(
      '--patience <n>',
      'early stopping: epochs without a better validation loss',
      nonNegativeInt,
      DEFAULT_SETTINGS.patience,
    )
    .addOption(
      new Option('--rule <rule>', 'how the best trial is chosen (on validation only)')
        .choices([...SELECTION_RULES])
        .default(DEFAULT_RULE),
    )
    .option('--out <file>', 'CSV of the trials (default reports/sweep.csv, reports/sweep-binary.csv for --task binary)')
    .option('--no-config', 'do not write the best set-up into config.json (in KOMBAT_MODELS_DIR or models/)')
    .option(
      '--no-transfer',
      'after a ternary sweep, leave the binary set-up alone (default: binary gets the same values with its own loss)',
    )
    .action(async (opts: SweepCliOptions) => {
      const config = await readConfig();
      const f = config.features;
      console.error(`search space:\n${describeSpace(DEFAULT_SPACE)}`);
      console.error(`features: MobileNet ${f.alpha} ${f.inputSize.join('x')} ${f.layer} ${f.fit} (cached)`);
      const data = await loadSweepData({ task: opts.task, features: f, data: opts.data, augmented: opts.augmented });
      console.error(
        `data: ${displayPath(data.data)}${data.augmented ? ` + ${displayPath(data.augmented)}` : ''}: ` +
          `${data.train.y.length} train, ${data.val.y.length} val, ${data.test.y.length} test`,
      );
      const controller = new AbortController();
      const onSigint = () => {
        console.error('\ninterrupted: finishing with the trials done so far (Ctrl-C again to quit)');
        controller.abort();
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGINT', onSigint);
      let result: SweepResult;
      try {
        result = await runSweep(data, {
          task: opts.task,
          space: DEFAULT_SPACE,
          trials: opts.grid ? 'grid' : opts.trials,
          seed: opts.seed,
          maxEpochs: opts.maxEpochs,
          patience: opts.patience,
          rule: opts.rule,
          signal: controller.signal,
          onTrial: (row, done, total) =>
            console.error(`trial ${String(done).padStart(String(total).length)}/${total}  ${trialLine(row)}`),
        });
      } finally {
        process.off('SIGINT', onSigint);
      }
      const csv = await writeSweepCsv(result, opts.out ? path.resolve(opts.out) : sweepCsvPath(opts.task));
      console.log(
        `${result.rows.length} trial(s) in ${result.seconds.toFixed(0)} s` +
          `${result.interrupted ? ' (interrupted)' : ''} -> ${displayPath(csv)}`,
      );
      console.log(`best by ${result.rule} (validation; test accuracy is for information only):`);
      console.log(`  ${trialLine(result.best)}  test acc ${result.best.testAccuracy.toFixed(3)}`);
      if (opts.config && !result.interrupted) {
        const alsoFor: Task[] = opts.task === 'ternary' && opts.transfer ? ['binary'] : [];
        await saveBestHyperparams(result, { alsoFor });
        console.log(
          `saved hyperparams.${[opts.task, ...alsoFor].join(' and hyperparams.')} to ${displayPath(configPath())}`,
        );
      } else if (opts.config) {
        console.log(`not saved to ${displayPath(configPath())}: the sweep was interrupted`);
      }
    });
}
