// The layer study (chapter 03): which MobileNet layer and input size to cut at. For each input size
// every candidate layer's features come from one forward pass; the same head trains on each and is
// scored on every split, next to the layer's cost (counted multiply-adds, measured ms per frame).
// chooseFeatures then applies a rule stated in advance.

import type { Task } from '../data/tasks';
import { evaluateHead } from '../eval/evaluate';
import {
  CANDIDATE_LAYERS,
  embedLatency,
  type LatencyOptions,
  layerSplitFeatures,
  MultiLayerExtractor,
  multiplyAdds,
} from '../features/layers';
import type { ExampleSet } from '../features/sets';
import type { FeatureSpec } from '../features/spec';
import type { RgbImage } from '../image/decode';
import { loadMobileNet } from '../mobilenet/model';
import { type Alpha, DEFAULT_ALPHA } from '../mobilenet/names';
import { DEFAULT_LAYER } from '../mobilenet/network';
import type { Fit, InputSize } from '../preprocess';
import { standardError } from '../util/stats';
import { trainHeads } from './parallel';
import type { EpochLog, Hyperparams } from './train';

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

/**
 * The inputs chapter 03 compares: 224x224 stretched (the article's), the frames' 16:9 shape at
 * 126x224, and the same shape at less than a fifth of the pixels.
 */
export const CANDIDATE_INPUTS: readonly InputChoice[] = [
  { inputSize: [224, 224], fit: 'stretch' },
  { inputSize: [126, 224], fit: 'letterbox' },
  { inputSize: [70, 126], fit: 'letterbox' },
];

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
        `${input}: features of ${f.computed + f.fromCache} images (${f.computed} computed, ` +
          `${f.fromCache} cached) in ${f.seconds.toFixed(1)} s`,
      );
      const ms = await embedLatency(multi.extractors, options.latencyImage, options.latency);
      // The layers' heads are independent: they train side by side on the pool's threads, each as it would alone.
      const heads = await trainHeads(
        multi.extractors.map((e) => ({
          train: f.splits[e.layer].train,
          val: f.splits[e.layer].val,
          hyperparams: options.hyperparams,
        })),
        { onEpoch: options.onEpoch && ((k, epoch) => options.onEpoch?.(input, multi.extractors[k].layer, epoch)) },
      );
      for (const [k, extractor] of multi.extractors.entries()) {
        const data = f.splits[extractor.layer];
        trainExamples = data.train.y.length;
        const result = heads[k];
        const trainSeconds = result.history.reduce((sum, h) => sum + h.seconds, 0);
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
            kind: 'mobilenet',
            alpha,
            inputSize: [choice.inputSize[0], choice.inputSize[1]],
            layer: extractor.layer,
            fit: choice.fit,
          },
        };
        rows.push(row);
        log(
          `${input} ${extractor.layer}: ${ms[k].toFixed(1)} ms/image, val ${val.accuracy.toFixed(3)} ` +
            `(balanced ${val.balancedAccuracy.toFixed(3)}), test ${test.accuracy.toFixed(3)}, ` +
            `${result.history.length} epochs`,
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
      : ` (${within.standardErrors} standard error${within.standardErrors === 1 ? '' : 's'} of it on ` +
        `${within.n} frames)`;
  const rule =
    `the ${costName} among configurations within ${(tolerance * 100).toFixed(1)} points${band} ` +
    'of the best validation balanced accuracy';
  return { chosen, best, candidates, tolerance, cost, rule };
}
