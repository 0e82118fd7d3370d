import type { Command } from 'commander';
import { initBackend } from '../backend';
import { issueText } from '../data';
import { evaluateFolder, type FolderEvaluation, type Metrics } from '../eval';
import { loadClassifier } from '../export';
import { featureLabel } from '../features';
import { progressBar } from './progress';

const metricsFields = (m: Metrics) => ({
  classes: m.classes,
  accuracy: m.accuracy,
  balancedAccuracy: m.balancedAccuracy,
  confusionMatrix: m.confusionMatrix,
  perClass: m.perClass,
});

/**
 * Exactly the fields `--json` promises, in this order (and `folded` where a 3-way model met a folder
 * without kicks).
 */
export function metricsJson(m: Metrics, folded?: Metrics): string {
  return JSON.stringify({ ...metricsFields(m), ...(folded ? { folded: metricsFields(folded) } : {}) });
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

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description(
      'score an exported model (kombat train; any feature kind its metadata.json declares) on every image of a ' +
        'dataset folder: accuracy, per-class precision/recall/F1, confusion matrix; a 3-way model on a folder ' +
        'without kicks is also scored as punch vs. not punch',
    )
    .requiredOption('--model <dir>', 'model folder with model.json, weights.bin and metadata.json')
    .requiredOption('--data <dir>', 'dataset folder: <class>/ image folders (every image counts, whatever its split)')
    .option('--json', 'print {classes, accuracy, balancedAccuracy, confusionMatrix, perClass} as JSON only')
    .option(
      '--skip-invalid',
      'score the images the dataset check accepts and list the problems skipped (default: refuse such a dataset, ' +
        'as features and train do)',
    )
    .action(async (opts: { model: string; data: string; json?: boolean; skipInvalid?: boolean }) => {
      await initBackend();
      const classifier = await loadClassifier(opts.model);
      const bar = progressBar('features', 'images');
      let result: FolderEvaluation;
      try {
        result = await evaluateFolder(classifier, opts.data, {
          onBatch: (done, total) => bar.update(done, total),
          skipInvalid: opts.skipInvalid,
        });
      } finally {
        bar.stop();
      }
      const { metrics, skipped } = result;
      const n = metrics.confusionMatrix.flat().reduce((a, b) => a + b, 0);
      if (skipped.length > 0) {
        console.error(`kombat evaluate: skipped ${skipped.length} problem(s); scored the other ${n} images:`);
        for (const issue of skipped) console.error(`  ${issueText(issue)}`);
      }
      if (opts.json) {
        console.log(metricsJson(result.metrics, result.folded));
        return;
      }
      const { task } = classifier.metadata;
      const features = featureLabel(classifier.encoder.features);
      console.log(`${opts.data}: ${n} images, ${task} model ${opts.model} (${features})`);
      console.log(metricsTable(result.metrics));
      if (result.folded) {
        console.log('\nno kick images: 3-way predictions folded to punch vs. not punch (kick or other)');
        console.log(metricsTable(result.folded));
      }
    });
}
