// The browser-safe half of the MobileNet code (tfjs only): the input-size rewrite, loading from
// any IOHandler, and truncation at a named layer. The Node loader (model.ts) and the game page
// both go through these, so a feature vector is computed the same way in both.
import * as tf from '@tensorflow/tfjs';
import { type Fit, type InputSize, toModelInput } from '../preprocess';
import { type FoldedChain, foldedChain, releaseFolded } from './folded';
import type { Alpha } from './names';
import type { ModelSource } from './source';

/** The article's feature layer: 768 values for alpha 0.75, 1024 for alpha 1.0. */
export const DEFAULT_LAYER = 'global_average_pooling2d_1';

export interface MobileNetInfo {
  alpha: Alpha;
  inputSize: InputSize;
  source: ModelSource;
}

/**
 * MobileNet's layers are all convolutional up to the global pooling, so any input size works
 * once the declared input shape is changed; the published model declares 224x224.
 */
export function withInputSize(handler: tf.io.IOHandler, size: InputSize): tf.io.IOHandler {
  return {
    async load() {
      if (!handler.load) throw new Error('the model handler cannot load');
      const artifacts = await handler.load();
      const topology = artifacts.modelTopology as { model_config?: { config?: { layers?: KerasLayer[] } } };
      const layers = topology?.model_config?.config?.layers ?? [];
      const inputs = layers.filter((l) => l.class_name === 'InputLayer');
      if (inputs.length !== 1) throw new Error(`expected one InputLayer in the model, found ${inputs.length}`);
      inputs[0].config.batch_input_shape = [null, size[0], size[1], 3];
      return artifacts;
    },
  };
}

interface KerasLayer {
  class_name: string;
  config: { batch_input_shape?: (number | null)[] };
}

/** The full layers model from `handler`, declared for `inputSize`; errors name `source`. */
export async function loadMobileNetModel(
  handler: tf.io.IOHandler,
  inputSize: InputSize,
  source: ModelSource,
): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(withInputSize(handler, inputSize));
  } catch (err) {
    throw new Error(`cannot load MobileNet from ${source.location} (${source.kind}): ${(err as Error).message}`);
  }
}

/** Frees a loaded MobileNet and the folded chain made from it. */
export function disposeMobileNetModel(model: tf.LayersModel): void {
  releaseFolded(model);
  model.dispose();
}

/**
 * A feature extractor over `model`'s weights, cut at `layer` (a block's activation or the pooling):
 * the folded chain (./folded.ts), made once per model and freed by releaseFolded with it.
 */
export function truncate(model: tf.LayersModel, info: MobileNetInfo, layer = DEFAULT_LAYER, fit: Fit = 'stretch') {
  const chain = foldedChain(model);
  const end = chain.indexOf(layer);
  const shape = model.getLayer(layer).outputShape as number[];
  return new FeatureExtractor(chain, end, shape[shape.length - 1], layer, info, fit);
}

export class FeatureExtractor {
  constructor(
    private readonly chain: FoldedChain,
    private readonly end: number,
    /** Length of one feature vector. */
    readonly featureSize: number,
    readonly layer: string,
    readonly info: MobileNetInfo,
    readonly fit: Fit = 'stretch',
  ) {}

  /** The one layer, as extractFiles' Embedder reads it. */
  get layers(): readonly string[] {
    return [this.layer];
  }

  /** Pixels [h, w, 3] in 0..255, any size -> features [n, featureSize]. */
  embed(images: tf.Tensor3D[]): tf.Tensor2D {
    return tf.tidy(() =>
      this.embedInputs(tf.stack(images.map((im) => toModelInput(im, this.info.inputSize, this.fit))) as tf.Tensor4D),
    );
  }

  /** Inputs already prepared ([n, h, w, 3] in [-1, 1] at the input size, e.g. a person crop) -> features. */
  embedInputs(batch: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => pooled(this.chain.run(batch, [this.end])[0]));
  }
}

/** A block's spatial output [n, h, w, c] average-pooled to [n, c]; the pooling layer's output as it is. */
export function pooled(out: tf.Tensor): tf.Tensor2D {
  return (out.rank === 4 ? tf.mean(out, [1, 2]) : out) as tf.Tensor2D;
}
