import * as path from 'node:path';
import type { Command } from 'commander';
import { readConfig } from '../config';
import type { Task } from '../data';
import { featureLabel } from '../features';
import { CvInterrupted, type EpochAt, type EpochLog, type FolderPreset, parsePreset, trainFolder } from '../train';
import { trainingFeatures } from '../transfer';
import { exists } from '../util';
import { cvLines } from './cv';
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
  cv: boolean;
  subjectsFrom?: string;
  preset: FolderPreset;
  features?: string;
  force?: boolean;
}

export function epochLine(log: EpochLog, at: EpochAt): string {
  const where = at.fold === undefined ? 'final ' : `fold ${at.fold} `;
  const epoch = `epoch ${String(log.epoch).padStart(String(at.epochs).length)}/${at.epochs}`;
  const train = `loss ${log.loss.toFixed(4)}  acc ${log.acc.toFixed(3)}`;
  const val =
    log.valLoss !== undefined ? `  held-out loss ${log.valLoss.toFixed(4)}  acc ${log.valAcc?.toFixed(3)}` : '';
  return `${where}${epoch}  ${train}${val}  ${log.seconds.toFixed(1)} s`;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'train the dense head on any dataset folder (read only): augmented variants of every frame and ' +
        'features of the chosen kind, cached under the data folder; cross-validation over people ' +
        '(leave-one-person-out; with one person, over its recordings) chooses the epochs and the game ' +
        'thresholds; then every person goes into the final model, written atomically. Ctrl-C in the final ' +
        'training stops after the current batch and keeps that epoch; before it, or a second Ctrl-C, quits ' +
        'without a model.',
    )
    .requiredOption(
      '--data <dir>',
      'dataset folder: <class>/ image folders named <person>_..., optionally manifest.csv (never written to)',
    )
    .requiredOption(
      '--task <task>',
      'binary (punch vs. not-punch: punch/ and any other folders) or ternary (punch/, kick/, other/)',
      taskOption,
    )
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
        "its thresholds); default: models/config.json's choice (chapter 09), else mobilenet",
    )
    .option('--no-augment', 'train on the original frames only (pose-based features always do)')
    .option(
      '--augmented <dir>',
      'where the augmented variants go (default: data/augmented/<folder>-<content hash>; never inside --data)',
    )
    .option(
      '--preset <preset>',
      "full (16 variants, the config's features and epochs) or quick (the page's one-minute set-up: README)",
      parsePreset,
      'full',
    )
    .option('--variants <n>', "augmented variants per frame (default the preset's)", positiveInt)
    .option('--epochs <n>', 'epoch budget (overrides the config); cross-validation chooses within it', positiveInt)
    .option('--subjects-from <csv>', 'who is in each frame, where names and manifest do not say: file,subject rows')
    .option('--no-cv', "no cross-validation: train every epoch of the budget, with the config's thresholds")
    .option(
      '--article',
      "the article's hyper-parameters (learning rate 1e-6, sigmoid cross-entropy, its fixed 500 epochs)",
    )
    .action(async (opts: TrainCliOptions) => {
      if (opts.config && !(await exists(opts.config))) throw new Error(`${opts.config}: no such config file`);
      const config = await readConfig(opts.config);
      const choice = await trainingFeatures(opts.features, config);
      console.error(`features: ${featureLabel(choice.features)}, from ${choice.from}`);
      const out = path.resolve(opts.out);
      const controller = new AbortController();
      let final = false;
      let interrupts = 0;
      const augmentBar = progressBar('augment', 'variants');
      const featureBar = progressBar('features', 'images');
      const batchBar = progressBar('batches', 'batches');
      const stopBars = () => {
        for (const bar of [augmentBar, featureBar, batchBar]) bar.stop();
      };
      // Temporaries are removed on exit (cleanUpOnExit in main.ts).
      const quit = (when: string) => {
        console.error(`kombat train: interrupted ${when}; no model written to ${opts.out}`);
        process.exit(130);
      };
      const onSigint = () => {
        interrupts++;
        stopBars();
        if (!final || interrupts > 1) quit(final ? 'again' : 'before the final training');
        console.error(
          'kombat train: interrupted; stopping after the current batch and keeping that epoch ' +
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
          preset: opts.preset,
          variants: opts.variants,
          epochs: opts.epochs,
          article: opts.article,
          cv: opts.cv,
          subjectsFrom: opts.subjectsFrom,
          force: opts.force,
          signal: controller.signal,
          log: (line) => {
            stopBars();
            console.error(line);
          },
          onStage: (stage) => {
            stopBars();
            if (stage === 'final') final = true;
          },
          onAugment: (p) => augmentBar.update(p.done, p.total),
          onFeatures: (done, total) => featureBar.update(done, total),
          onFold: (k, n, heldOut) => console.error(`fold ${k}/${n}: holding out ${heldOut.join(', ')}`),
          onBatch: (done, total) => batchBar.update(done, total),
          onEpoch: (log, at) => {
            batchBar.stop();
            console.error(epochLine(log, at));
          },
        }).catch((err: unknown) => {
          if (err instanceof CvInterrupted) quit('during cross-validation');
          throw err;
        });
        stopBars();
        if (!result.modelDir || result.weightBytes === undefined || !result.metadata) {
          console.error(`kombat train: interrupted before the first epoch ended; no model written to ${opts.out}`);
          process.exitCode = 130;
          return;
        }
        if (result.cv) for (const line of cvLines(result.cv)) console.log(line);
        const m = result.metadata.metrics;
        console.log(
          `${opts.out}: ${result.prepared.task} model on ${result.prepared.index.entries.length} frames, ` +
            `${result.epochs} epochs (${result.stoppedBy}), weights ${(result.weightBytes / 1024).toFixed(0)} KiB`,
        );
        console.log(
          `accuracy  train ${m.train.accuracy.toFixed(3)}` +
            (m.crossValidated
              ? `  cross-validated ${m.crossValidated.accuracy.toFixed(3)} ` +
                `(balanced ${m.crossValidated.balancedAccuracy.toFixed(3)})`
              : '  (no cross-validation: no held-out score)'),
        );
      } finally {
        stopBars();
        process.off('SIGINT', onSigint);
      }
    });
}
