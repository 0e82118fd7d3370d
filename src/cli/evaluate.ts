import type { Command } from 'commander';
import { initBackend } from '../backend';
import { readConfig } from '../config';
import { issueText, type Task } from '../data';
import { evaluateFolder, type Metrics } from '../eval';
import { loadClassifier } from '../export';
import { featureLabel } from '../features';
import { crossValidateFolder, FOLDER_PRESETS, type FolderPreset, parsePreset, prepareFolder } from '../train';
import { exists } from '../util';
import { cvLines } from './cv';
import { positiveInt, taskOption } from './options';
import { progressBar } from './progress';

/** Exactly the fields `--json` promises, in this order. */
export function metricsJson(m: Metrics): string {
  return JSON.stringify({
    classes: m.classes,
    accuracy: m.accuracy,
    balancedAccuracy: m.balancedAccuracy,
    confusionMatrix: m.confusionMatrix,
    perClass: m.perClass,
  });
}

export function metricsTable(m: Metrics): string {
  const w = Math.max(9, ...m.classes.map((c) => c.length)) + 2;
  const pad = (s: string | number) => String(s).padStart(w);
  const lines = [
    `accuracy ${m.accuracy.toFixed(3)}   balanced accuracy ${m.balancedAccuracy.toFixed(3)}`,
    '',
    'class'.padEnd(w) + ['precision', 'recall', 'f1', 'support'].map(pad).join(''),
    ...m.classes.map((c) => {
      const p = m.perClass[c];
      return c.padEnd(w) + [p.precision.toFixed(3), p.recall.toFixed(3), p.f1.toFixed(3), p.support].map(pad).join('');
    }),
    '',
    'confusion matrix (rows: true class, columns: predicted)',
    ''.padEnd(w) + m.classes.map(pad).join(''),
    ...m.confusionMatrix.map((row, i) => m.classes[i].padEnd(w) + row.map(pad).join('')),
  ];
  return lines.join('\n');
}

interface EvaluateCliOptions {
  model?: string;
  data?: string;
  cv?: string;
  task?: Task;
  config?: string;
  augment: boolean;
  preset: FolderPreset;
  variants?: number;
  epochs?: number;
  subjectsFrom?: string;
  json?: boolean;
  skipInvalid?: boolean;
}

/** `--cv <data>`: what `kombat train` would score on people it has not seen, person by person. */
async function evaluateCv(opts: EvaluateCliOptions & { cv: string }): Promise<void> {
  if (!opts.task) throw new Error('--cv needs --task binary or ternary (what the model would learn)');
  if (opts.config && !(await exists(opts.config))) throw new Error(`${opts.config}: no such config file`);
  const config = await readConfig(opts.config);
  await initBackend();
  const featureBar = progressBar('features', 'images');
  const prepared = await prepareFolder({
    data: opts.cv,
    task: opts.task,
    preset: opts.preset,
    config,
    augment: opts.augment,
    variants: opts.variants,
    epochs: opts.epochs,
    subjectsFrom: opts.subjectsFrom,
    onFeatures: (done, total) => featureBar.update(done, total),
    log: (line) => {
      featureBar.stop();
      if (!opts.json) console.error(line);
    },
  });
  featureBar.stop();
  const cv = await crossValidateFolder(prepared, {
    onFold: (k, n, heldOut) => opts.json || console.error(`fold ${k}/${n}: holding out ${heldOut.join(', ')}`),
  });
  if (opts.json) {
    const { metrics, actions, perGroup, unit, folds, epochs, rule, note } = cv;
    console.log(
      JSON.stringify({
        unit,
        folds: folds.map((f) => f.heldOut),
        epochs,
        thresholds: rule.thresholds,
        metrics: JSON.parse(metricsJson(metrics)),
        actions: JSON.parse(metricsJson(actions)),
        perGroup,
        ...(note ? { note } : {}),
      }),
    );
    return;
  }
  console.log(`${opts.cv}: ${prepared.index.entries.length} frames, ${opts.task} task, preset ${opts.preset}`);
  for (const line of cvLines(cv)) console.log(line);
  console.log('');
  console.log(metricsTable(cv.metrics));
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description(
      'score an exported model (kombat train; any feature kind its metadata.json declares) on every image ' +
        'of a dataset folder: accuracy, per-class precision/recall/F1, confusion matrix (a 3-way model on a ' +
        'folder without kick/ is scored as punch / not punch). Or, with --cv <data>, cross-validate the ' +
        'training set-up over the people of a folder: how well it carries to a new person, person by person.',
    )
    .option('--model <dir>', 'model folder with model.json, weights.bin and metadata.json')
    .option('--data <dir>', 'dataset folder: <class>/ image folders (every image counts, whatever its split)')
    .option('--cv <data>', 'cross-validate over the people of this folder (no --model: trains one per fold)')
    .option('--task <task>', 'with --cv: binary or ternary', taskOption)
    .option('--config <file>', 'with --cv: a config file like models/config.json')
    .option('--no-augment', 'with --cv: train on the original frames only')
    .option(
      '--preset <preset>',
      `with --cv: how much work, as kombat train (${FOLDER_PRESETS.join(', ')}; quick is the page's)`,
      parsePreset,
      'full',
    )
    .option('--variants <n>', "with --cv: augmented variants per frame (default the preset's)", positiveInt)
    .option('--epochs <n>', 'with --cv: epoch budget (overrides the config)', positiveInt)
    .option('--subjects-from <csv>', 'with --cv: who is in each frame (file,subject rows)')
    .option('--json', 'print {classes, accuracy, balancedAccuracy, confusionMatrix, perClass} as JSON only')
    .option(
      '--skip-invalid',
      'score the images the dataset check accepts and list the problems skipped (default: refuse such a dataset, ' +
        'as features and train do)',
    )
    .action(async (opts: EvaluateCliOptions) => {
      if (opts.cv !== undefined) {
        if (opts.model || opts.data) throw new Error('--cv <data> scores a set-up, not a model: drop --model/--data');
        if (opts.skipInvalid) throw new Error('--skip-invalid scores a model on a folder: --cv refuses partial data');
        await evaluateCv({ ...opts, cv: opts.cv });
        return;
      }
      if (!opts.model || !opts.data)
        throw new Error('give --model <dir> and --data <dir> (or --cv <data> to cross-validate over people)');
      await initBackend();
      const classifier = await loadClassifier(opts.model);
      const bar = progressBar('features', 'images');
      let score: Awaited<ReturnType<typeof evaluateFolder>>;
      try {
        score = await evaluateFolder(classifier, opts.data, {
          onBatch: (done, total) => bar.update(done, total),
          skipInvalid: opts.skipInvalid,
        });
      } finally {
        bar.stop();
      }
      const n = score.metrics.confusionMatrix.flat().reduce((a, b) => a + b, 0);
      if (score.skipped.length > 0) {
        console.error(`kombat evaluate: skipped ${score.skipped.length} problem(s); scored the other ${n} images:`);
        for (const issue of score.skipped) console.error(`  ${issueText(issue)}`);
      }
      if (score.folded) console.error(`kombat evaluate: ${score.folded}`);
      if (opts.json) {
        console.log(metricsJson(score.metrics));
        return;
      }
      const features = featureLabel(classifier.encoder.features);
      console.log(`${opts.data}: ${n} images, ${classifier.metadata.task} model ${opts.model} (${features})`);
      if (score.folded) console.log(`scored as punch / not punch: ${score.folded}`);
      console.log(metricsTable(score.metrics));
    });
}
