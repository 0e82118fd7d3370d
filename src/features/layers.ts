// Features of several MobileNet layers from ONE forward pass of the folded chain, each spatial output
// average-pooled to a vector, exactly as FeatureExtractor.embed does for one layer. The values go to
// the ordinary feature cache under each layer's own key, so a later `truncate(layer)` +
// cachedFeatures / splitFeatures finds them there.
import * as tf from '@tensorflow/tfjs';
import type { Task } from '../data/tasks';
import { type ImageError, type RgbImage, unreadableImages } from '../image/decode';
import { type FoldedChain, foldedChain } from '../mobilenet/folded';
import type { MobileNet } from '../mobilenet/model';
import { DEFAULT_LAYER, type FeatureExtractor, type MobileNetInfo, pooled } from '../mobilenet/network';
import { type Fit, rgbTensor, toModelInput } from '../preprocess';
import { median } from '../util/stats';
import { cachedParts, keyOf } from './cache';
import type { Embedder, ExtractOptions } from './extract';
import { type ExampleSet, type SplitFeatures, splitFeatures } from './sets';

/** The layers chapter 03 compares: the last three pointwise blocks and the article's pooling layer. */
export const CANDIDATE_LAYERS: readonly string[] = [
  'conv_pw_11_relu',
  'conv_pw_12_relu',
  'conv_pw_13_relu',
  DEFAULT_LAYER,
];

/** Several layers' features from one pass, side by side in a row (extractFiles' Embedder). */
export class MultiLayerExtractor implements Embedder {
  /** One single-layer extractor per layer (same weights): cache keys, feature sizes, timing. */
  readonly extractors: FeatureExtractor[];
  readonly featureSize: number;
  private readonly chain: FoldedChain;
  private readonly ends: number[];

  constructor(
    readonly mobilenet: MobileNet,
    readonly layers: readonly string[],
    readonly fit: Fit = 'stretch',
  ) {
    if (layers.length === 0) throw new Error('MultiLayerExtractor needs at least one layer');
    if (new Set(layers).size !== layers.length) throw new Error(`layers named twice: ${layers.join(', ')}`);
    this.extractors = layers.map((l) => mobilenet.truncate(l, fit));
    this.featureSize = this.featureSizes.reduce((a, b) => a + b, 0);
    this.chain = foldedChain(mobilenet.model);
    this.ends = layers.map((l) => this.chain.indexOf(l));
  }

  get info(): MobileNetInfo {
    return this.mobilenet.info;
  }

  get featureSizes(): number[] {
    return this.extractors.map((e) => e.featureSize);
  }

  /** Pixels [h, w, 3] in 0..255 -> [n, featureSize]: each layer's pooled output, in `layers` order. */
  embed(images: tf.Tensor3D[]): tf.Tensor2D {
    return tf.tidy(() => {
      const size = this.mobilenet.info.inputSize;
      const batch = tf.stack(images.map((im) => toModelInput(im, size, this.fit))) as tf.Tensor4D;
      return tf.concat(this.chain.run(batch, this.ends).map(pooled), 1);
    });
  }
}

export interface LayerFeatures {
  layer: string;
  featureSize: number;
  /** Row-major [files.length, featureSize]; rows of failed files are zero. */
  features: Float32Array;
}

export interface CachedLayerFeatures {
  layers: LayerFeatures[];
  failed: ImageError[];
  /** Files that went through the network (some layer was missing from the cache). */
  computed: number;
  /** Files whose every layer came from the cache. */
  fromCache: number;
}

/**
 * Every layer's features for every file: from the cache where all layers are present, otherwise
 * one forward pass (on the worker pool when there are enough files) per batch of the files missing
 * any layer, stored under every layer's key.
 */
export async function cachedLayerFeatures(
  multi: MultiLayerExtractor,
  files: string[],
  options: ExtractOptions & { cacheRoot?: string } = {},
): Promise<CachedLayerFeatures> {
  const parts = multi.extractors.map((e) => ({ key: keyOf(e), featureSize: e.featureSize }));
  const got = await cachedParts(multi, parts, files, options);
  return {
    layers: multi.layers.map((layer, k) => ({ layer, featureSize: parts[k].featureSize, features: got.parts[k] })),
    failed: got.failed,
    computed: got.computed,
    fromCache: got.fromCache,
  };
}

/**
 * splitFeatures for every layer of `multi`: the missing features are first computed in one pass
 * for all layers (cachedLayerFeatures), then each layer's splits are read back from the cache.
 */
export async function layerSplitFeatures(
  multi: MultiLayerExtractor,
  set: ExampleSet,
  task: Task,
  options: ExtractOptions & { cacheRoot?: string; includeAugmented?: boolean } = {},
): Promise<{ splits: Record<string, SplitFeatures>; computed: number; fromCache: number; seconds: number }> {
  const t0 = performance.now();
  const examples = set.examples.filter((e) => options.includeAugmented !== false || !e.augmented);
  const filled = await cachedLayerFeatures(
    multi,
    examples.map((e) => e.file),
    options,
  );
  if (filled.failed.length > 0) throw unreadableImages(filled.failed);
  const splits: Record<string, SplitFeatures> = {};
  for (const extractor of multi.extractors) {
    // Every entry is in the cache now: this only reads it back, split by split.
    splits[extractor.layer] = await splitFeatures(extractor, set, task, { includeAugmented: options.includeAugmented });
  }
  return { splits, computed: filled.computed, fromCache: filled.fromCache, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Multiply-adds of one image's pass up to and including `layer`: the convolutions' work
 * (output positions x kernel size: kh x kw x in x out, or kh x kw x channels for depthwise), the rest counted as
 * free. MobileNet v1 is one chain of layers, so "up to" is every layer before it. This gives 325
 * million for mobilenet_v1_0.75_224 at its pooling layer; the published table says 317 million.
 */
export function multiplyAdds(mobilenet: MobileNet, layer: string): number {
  const layers = mobilenet.model.layers;
  const end = layers.findIndex((l) => l.name === layer);
  if (end < 0) throw new Error(`MobileNet has no layer "${layer}"`);
  let total = 0;
  for (const l of layers.slice(0, end + 1)) {
    const kind = l.getClassName();
    if (kind !== 'Conv2D' && kind !== 'DepthwiseConv2D') continue;
    const output = l.outputShape as number[];
    // The kernel: [kh, kw, in, out] (Conv2D) or [kh, kw, in, multiplier] (DepthwiseConv2D).
    const perPosition = l.weights[0].shape.reduce((a: number, b) => a * (b ?? 1), 1);
    total += output[1] * output[2] * perPosition;
  }
  return total;
}

export interface LatencyOptions {
  /** Timed single-image calls per extractor (default 10). */
  reps?: number;
  /** Untimed calls per extractor first (default 2). */
  warmup?: number;
}

/**
 * Milliseconds per image of each extractor on single-image batches (the game's case), preprocessing
 * included: the median of `reps` calls, taken round-robin over the extractors so that a change of
 * machine load affects all of them alike.
 */
export async function embedLatency(
  extractors: readonly FeatureExtractor[],
  image: RgbImage,
  { reps = 10, warmup = 2 }: LatencyOptions = {},
): Promise<number[]> {
  const pixels = rgbTensor(image.data, image.width, image.height);
  const times: number[][] = extractors.map(() => []);
  try {
    for (let r = 0; r < warmup + reps; r++) {
      for (let k = 0; k < extractors.length; k++) {
        const t0 = performance.now();
        const out = extractors[k].embed([pixels]);
        await out.data();
        out.dispose();
        if (r >= warmup) times[k].push(performance.now() - t0);
      }
    }
  } finally {
    pixels.dispose();
  }
  return times.map(median);
}
