// Comparisons the experiment chapters make: which MobileNet layer and input size (chapter 03), and
// the article's training set-up against the corrected one (chapters 04, 05). Everything here
// returns plain data (JSON for reports/results/, rows for tables); the notebooks only display it.
import { evaluateHead } from '../eval/evaluate';
import type { Metrics } from '../eval/metrics';
import {
  CANDIDATE_LAYERS,
  embedLatency,
  type LatencyOptions,
  layerSplitFeatures,
  MultiLayerExtractor,
  multiplyAdds,
} from '../features/layers';
import type { ExampleSet, Task } from '../features/sets';
import type { RgbImage } from '../image/decode';
import { DEFAULT_LAYER, loadMobileNet } from '../mobilenet/model';
import type { Alpha } from '../mobilenet/source';
import { DEFAULT_ALPHA } from '../mobilenet/source';
import type { Fit, InputSize } from '../preprocess';
import type { FeatureSpec } from './config';
import type { TrainRun } from './run';
import { type EpochLog, type Hyperparams, trainHead } from './train';

// ---------------------------------------------------------------- chapter 03: layer and input size

export interface InputChoice {
  /** [height, width]. */
  inputSize: InputSize;
  fit: Fit;
}

export interface LayerStudyRow {
  /** e.g. "224x224 stretch" (height x width). */
  input: string;
  layer: string;
  featureSize: number;
  /** Multiply-adds of one frame's pass up to the layer, in millions (deterministic). */
  megaMultiplyAdds: number;
  /** Median ms per single-image call, preprocessing included (measured: varies with machine load). */
  msPerImage: number;
  trainAccuracy: number;
  valAccuracy: number;
  valBalancedAccuracy: number;
  testAccuracy: number;
  testBalancedAccuracy: number;
  epochs: number;
  bestEpoch: number;
  trainSeconds: number;
  spec: FeatureSpec;
}

export interface LayerStudyOptions {
  examples: ExampleSet;
  inputs: readonly InputChoice[];
  layers?: readonly string[];
  alpha?: Alpha;
  task: Task;
  hyperparams: Hyperparams;
  /** The frame the latency is measured on (one of the dataset's). */
  latencyImage: RgbImage;
  latency?: LatencyOptions;
  /** Train on augmented variants too (default false: original frames only, to keep it cheap). */
  includeAugmented?: boolean;
  /** Images through MobileNet for one input size (those not cached yet). */
  onFeatures?: (input: string, done: number, total: number) => void;
  /** Each epoch of the head trained on one input size and layer. */
  onEpoch?: (input: string, layer: string, log: EpochLog) => void;
  log?: (line: string) => void;
}

export interface LayerStudy {
  rows: LayerStudyRow[];
  /** Per input: features computed now vs read from the cache, and the seconds it took. */
  features: { input: string; computed: number; fromCache: number; seconds: number }[];
  trainExamples: number;
}

export function inputLabel(c: InputChoice): string {
  return `${c.inputSize[0]}x${c.inputSize[1]} ${c.fit}`;
}

/**
 * For each input size: every layer's features in one forward pass (cached), the latency of each
 * layer's extractor, and the same head trained on each layer's features and scored on every split.
 */
export async function layerStudy(options: LayerStudyOptions): Promise<LayerStudy> {
  const log = options.log ?? (() => {});
  const layers = options.layers ?? CANDIDATE_LAYERS;
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const rows: LayerStudyRow[] = [];
  const features: LayerStudy['features'] = [];
  let trainExamples = 0;
  for (const choice of options.inputs) {
    const input = inputLabel(choice);
    const mobilenet = await loadMobileNet({ alpha, inputSize: choice.inputSize });
    try {
      const multi = new MultiLayerExtractor(mobilenet, layers, choice.fit);
      const f = await layerSplitFeatures(multi, options.examples, options.task, {
        includeAugmented: options.includeAugmented ?? false,
        onBatch: options.onFeatures && ((done, total) => options.onFeatures?.(input, done, total)),
      });
      features.push({ input, computed: f.computed, fromCache: f.fromCache, seconds: f.seconds });
      log(
        `${input}: features of ${f.computed + f.fromCache} images (${f.computed} computed, ${f.fromCache} cached) in ${f.seconds.toFixed(1)} s`,
      );
      const ms = await embedLatency(multi.extractors, options.latencyImage, options.latency);
      for (const [k, extractor] of multi.extractors.entries()) {
        const data = f.splits[extractor.layer];
        trainExamples = data.train.y.length;
        const t0 = performance.now();
        const result = await trainHead(data.train, data.val, options.hyperparams, {
          onEpoch: options.onEpoch && ((epoch) => options.onEpoch?.(input, extractor.layer, epoch)),
        });
        const trainSeconds = (performance.now() - t0) / 1000;
        const [train, val, test] = [data.train, data.val, data.test].map((s) => evaluateHead(result.model, s));
        result.model.dispose();
        const row: LayerStudyRow = {
          input,
          layer: extractor.layer,
          featureSize: extractor.featureSize,
          megaMultiplyAdds: multiplyAdds(mobilenet, extractor.layer) / 1e6,
          msPerImage: ms[k],
          trainAccuracy: train.accuracy,
          valAccuracy: val.accuracy,
          valBalancedAccuracy: val.balancedAccuracy,
          testAccuracy: test.accuracy,
          testBalancedAccuracy: test.balancedAccuracy,
          epochs: result.history.length,
          bestEpoch: result.bestEpoch,
          trainSeconds,
          spec: {
            alpha,
            inputSize: [choice.inputSize[0], choice.inputSize[1]],
            layer: extractor.layer,
            fit: choice.fit,
          },
        };
        rows.push(row);
        log(
          `${input} ${extractor.layer}: ${ms[k].toFixed(1)} ms/image, val ${val.accuracy.toFixed(3)} (balanced ${val.balancedAccuracy.toFixed(3)}), test ${test.accuracy.toFixed(3)}, ${result.history.length} epochs`,
        );
      }
    } finally {
      mobilenet.dispose();
    }
  }
  return { rows, features, trainExamples };
}

export type CostMeasure = 'megaMultiplyAdds' | 'msPerImage';

/** A fixed band (0.01 = one point), or a number of standard errors of the best score on n frames. */
export type Tolerance = number | { standardErrors: number; n: number };

/** Standard error of an accuracy p measured on n independent frames: sqrt(p (1 - p) / n). */
export function standardError(p: number, n: number): number {
  if (!(n > 0)) throw new Error(`standardError: n must be > 0, got ${n}`);
  return Math.sqrt((p * (1 - p)) / n);
}

export interface FeatureChoice {
  chosen: LayerStudyRow;
  /** The row with the best validation balanced accuracy. */
  best: LayerStudyRow;
  /** Rows within `tolerance` of the best. */
  candidates: LayerStudyRow[];
  tolerance: number;
  cost: CostMeasure;
  rule: string;
}

/**
 * The cheapest configuration whose validation balanced accuracy is within `within` of the best
 * (with { standardErrors: 1, n }: the "one standard error" rule of model selection).
 * Cost is the multiply-add count by default (deterministic; measured times move with the machine's
 * load) or the measured ms/image. Ties go to the higher validation balanced accuracy, then to the
 * article's layer (pooled conv_pw_13_relu and global_average_pooling2d_1 are the same numbers).
 * Test scores play no part: they stay an unbiased estimate of the chosen configuration.
 */
export function chooseFeatures(
  rows: readonly LayerStudyRow[],
  within: Tolerance = 0.01,
  cost: CostMeasure = 'megaMultiplyAdds',
): FeatureChoice {
  if (rows.length === 0) throw new Error('chooseFeatures: no configurations');
  const best = rows.reduce((a, b) => (b.valBalancedAccuracy > a.valBalancedAccuracy ? b : a));
  const tolerance =
    typeof within === 'number' ? within : within.standardErrors * standardError(best.valBalancedAccuracy, within.n);
  const candidates = rows.filter((r) => r.valBalancedAccuracy >= best.valBalancedAccuracy - tolerance - 1e-12);
  const better = (a: LayerStudyRow, b: LayerStudyRow): boolean => {
    if (b[cost] !== a[cost]) return b[cost] < a[cost];
    if (b.valBalancedAccuracy !== a.valBalancedAccuracy) return b.valBalancedAccuracy > a.valBalancedAccuracy;
    return b.layer === DEFAULT_LAYER && a.layer !== DEFAULT_LAYER;
  };
  const chosen = candidates.reduce((a, b) => (better(a, b) ? b : a));
  const costName = cost === 'megaMultiplyAdds' ? 'fewest multiply-adds per frame' : 'lowest measured ms per frame';
  const band =
    typeof within === 'number'
      ? ''
      : ` (${within.standardErrors} standard error${within.standardErrors === 1 ? '' : 's'} of it on ${within.n} frames)`;
  const rule = `the ${costName} among configurations within ${(tolerance * 100).toFixed(1)} points${band} of the best validation balanced accuracy`;
  return { chosen, best, candidates, tolerance, cost, rule };
}

// ---------------------------------------------------------------- chapters 04-05: article vs corrected

/** Metrics without the confusion matrix's bulk: what a results JSON and a table need. */
export interface SplitScores {
  accuracy: number;
  balancedAccuracy: number;
  perClass: Metrics['perClass'];
  confusionMatrix: number[][];
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

const scores = (m: Metrics): SplitScores => ({
  accuracy: m.accuracy,
  balancedAccuracy: m.balancedAccuracy,
  perClass: m.perClass,
  confusionMatrix: m.confusionMatrix,
});

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
    metrics: { train: scores(run.metrics.train), val: scores(run.metrics.val), test: scores(run.metrics.test) },
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

/** Least-squares slope per epoch of `key` over the last `lastN` epochs that have it. */
export function trend(
  history: readonly EpochLog[],
  key: 'loss' | 'acc' | 'valLoss' | 'valAcc',
  lastN = 10,
): { slope: number; last: number; epochs: number } {
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

// ---------------------------------------------------------------- tables

function fixed(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

/** A GitHub-flavoured markdown table; numbers are printed as given (format them first). */
export function markdownTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const [i, r] of rows.entries()) {
    if (r.length !== headers.length)
      throw new Error(`markdownTable: row ${i} has ${r.length} cells for ${headers.length} columns`);
  }
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(cell).join(' | ')} |`;
  const align = headers.map((_, j) =>
    rows.length > 0 && rows.every((r) => typeof r[j] === 'number' || /^-?[\d.]+%?$/.test(String(r[j])))
      ? '---:'
      : '---',
  );
  return [line(headers), `|${align.map((a) => ` ${a} `).join('|')}|`, ...rows.map(line)].join('\n');
}
