import * as path from 'node:path';
import type { Command } from 'commander';
import { readConfig } from '../config';
import type { Task } from '../data';
import { featureLabel } from '../features';
import { type EpochLog, trainFolder } from '../train';
import { trainingFeatures } from '../transfer';
import { exists } from '../util';
import { positiveInt, taskOption } from './options';
import { progressBar } from './progress';

interface TrainCliOptions {
  data: string;
  task: Task;
  out: string;
  config?: string;
  augment: boolean;
  augmented?: string;
  variants?: number;
  epochs?: number;
  article?: boolean;
  features?: string;
  force?: boolean;
}

function epochLine(log: EpochLog, maxEpochs: number, best: boolean): string {
  const epoch = `epoch ${String(log.epoch).padStart(String(maxEpochs).length)}/${maxEpochs}`;
  const train = `loss ${log.loss.toFixed(4)}  acc ${log.acc.toFixed(3)}`;
  const val =
    log.valLoss !== undefined ? `  val_loss ${log.valLoss.toFixed(4)}  val_acc ${log.valAcc?.toFixed(3)}` : '';
  return `${epoch}  ${train}${val}  ${log.seconds.toFixed(1)} s${best ? '  *' : ''}`;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'train the dense head on any dataset folder: augmentation of the training split (reused), cached ' +
        'features of the chosen kind, early stopping on the validation subjects; writes an exported classifier ' +
        'atomically. Ctrl-C stops after the current batch and keeps the best epoch; a second Ctrl-C quits at once.',
    )
    .requiredOption(
      '--data <dir>',
      'dataset folder: <class>/ image folders, optionally manifest.csv and split.json (else a seeded subject split)',
    )
    .requiredOption('--task <task>', 'binary (punch vs. not-punch) or ternary (punch, kick, other)', taskOption)
    .requiredOption(
      '--out <dir>',
      'model folder to write (model.json, weights.bin, metadata.json): new, empty, or an exported model',
    )
    .option('--force', 'replace an --out folder that is not a model (never a file or a folder holding a dataset)')
    .option(
      '--config <file>',
      'a config file like models/config.json (features, hyperparams, thresholds); default models/config.json',
    )
    .option(
      '--features <kind|model>',
      'how a frame is seen: mobilenet (whole frame), mobilenet-crop (around the person), pose (MoveNet ' +
        'keypoints), combined (pose + crop), or an exported model folder to train the same kind as it (and keep ' +
        "its thresholds); default: models/config.json's choice (chapter 10), else mobilenet",
    )
    .option('--no-augment', 'train on the original frames only')
    .option(
      '--augmented <dir>',
      'where the augmented training split goes (default <data>-aug next to the data folder; reused between runs)',
    )
    .option('--variants <n>', 'augmented variants per training frame', positiveInt, 16)
    .option('--epochs <n>', 'maximum epochs (overrides the config)', positiveInt)
    .option(
      '--article',
      "the article's hyper-parameters (learning rate 1e-6, sigmoid cross-entropy, 500 epochs, no early stopping)",
    )
    .action(async (opts: TrainCliOptions) => {
      if (opts.config && !(await exists(opts.config))) throw new Error(`${opts.config}: no such config file`);
      const config = await readConfig(opts.config);
      const choice = await trainingFeatures(opts.features, config);
      console.error(`features: ${featureLabel(choice.features)}, from ${choice.from}`);
      const out = path.resolve(opts.out);
      const controller = new AbortController();
      let training = false;
      let interrupts = 0;
      let maxEpochs = 0;
      let bestLoss = Infinity;
      const augmentBar = progressBar('augment', 'variants');
      const featureBar = progressBar('features', 'images');
      const batchBar = progressBar('batches', 'batches');
      const stopBars = () => {
        for (const bar of [augmentBar, featureBar, batchBar]) bar.stop();
      };
      const onSigint = () => {
        interrupts++;
        stopBars();
        if (!training || interrupts > 1) {
          console.error(
            `kombat train: interrupted ${training ? 'again' : 'before training'}; no model written to ${opts.out}`,
          );
          process.exit(130);
        }
        console.error(
          'kombat train: interrupted; stopping after the current batch and keeping the best epoch ' +
            '(Ctrl-C again to quit at once)',
        );
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const result = await trainFolder({
          data: opts.data,
          task: opts.task,
          out,
          config,
          features: choice.features,
          thresholds: choice.thresholds,
          augment: opts.augment,
          augmented: opts.augmented,
          variants: opts.variants,
          epochs: opts.epochs,
          article: opts.article,
          force: opts.force,
          signal: controller.signal,
          log: (line) => {
            stopBars();
            console.error(line);
          },
          onAugment: (p) => augmentBar.update(p.done, p.total),
          onFeatures: (done, total) => featureBar.update(done, total),
          onPlan: ({ examples, hyperparams, augmented }) => {
            augmentBar.stop();
            maxEpochs = hyperparams.maxEpochs;
            const count = (split: string, aug: boolean) =>
              examples.examples.filter((e) => e.split === split && e.augmented === aug).length;
            console.error(
              `${opts.task}: train ${count('train', false)} frames` +
                (augmented ? ` + ${count('train', true)} augmented` : '') +
                `, val ${count('val', false)}, test ${count('test', false)}; ` +
                `hidden ${hyperparams.hidden}, lr ${hyperparams.learningRate}, batch ${hyperparams.batchSize}, ` +
                `dropout ${hyperparams.dropout}, ` +
                `${hyperparams.loss}, up to ${hyperparams.maxEpochs} epochs` +
                (hyperparams.patience > 0 ? `, patience ${hyperparams.patience}` : ''),
            );
          },
          onBatch: (done, total) => {
            if (!training) featureBar.stop();
            training = true;
            batchBar.update(done, total);
          },
          onEpoch: (log) => {
            batchBar.stop();
            const monitored = log.valLoss ?? log.loss;
            const best = monitored < bestLoss;
            if (best) bestLoss = monitored;
            console.error(epochLine(log, maxEpochs, best));
          },
        });
        stopBars();
        const { run } = result;
        if (!result.modelDir || result.weightBytes === undefined) {
          console.error(`kombat train: interrupted before the first epoch ended; no model written to ${opts.out}`);
          process.exitCode = 130;
          return;
        }
        const m = run.metrics;
        console.log(
          `${opts.out}: ${run.task} model, ${run.history.length} epochs (${run.stoppedBy}, ` +
            `best epoch ${run.bestEpoch}), weights ${(result.weightBytes / 1024).toFixed(0)} KiB`,
        );
        console.log(
          `accuracy  train ${m.train.accuracy.toFixed(3)}  val ${m.val.accuracy.toFixed(3)}  ` +
            `test ${m.test.accuracy.toFixed(3)}  (test balanced ${m.test.balancedAccuracy.toFixed(3)})`,
        );
      } finally {
        stopBars();
        process.off('SIGINT', onSigint);
      }
    });
}
