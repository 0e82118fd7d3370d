// MobileNet v1 in the TensorFlow.js layers format: the full ImageNet classifier, and feature
// extractors truncated at any named layer (spatial outputs are average-pooled to a vector).
import * as tf from '@tensorflow/tfjs';
import { IMAGENET_CLASSES } from '@tensorflow-models/mobilenet/dist/imagenet_classes';
import { initBackend } from '../backend';
import { type Fit, type InputSize, toModelInput } from '../preprocess';
import { folderHandler, withInputSize } from './io';
import { type Alpha, DEFAULT_ALPHA, type ModelSource, resolveSource, type SourceOptions } from './source';

/** The article's feature layer: 768 values for alpha 0.75, 1024 for alpha 1.0. */
export const DEFAULT_LAYER = 'global_average_pooling2d_1';
export const DEFAULT_INPUT_SIZE: InputSize = [224, 224];

export interface LoadOptions extends SourceOptions {
  /** [height, width]; default 224x224 as published. */
  inputSize?: InputSize;
}

export interface Prediction {
  className: string;
  probability: number;
}

export interface MobileNetInfo {
  alpha: Alpha;
  inputSize: InputSize;
  source: ModelSource;
}

export async function loadMobileNet(options: LoadOptions = {}): Promise<MobileNet> {
  await initBackend();
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const inputSize = options.inputSize ?? DEFAULT_INPUT_SIZE;
  const source = await resolveSource({ ...options, alpha });
  const handler = source.location.startsWith('http') ? tf.io.http(source.location) : folderHandler(source.location);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(withInputSize(handler, inputSize));
  } catch (err) {
    throw new Error(`cannot load MobileNet from ${source.location} (${source.kind}): ${(err as Error).message}`);
  }
  return new MobileNet(model, { alpha, inputSize, source });
}

export class MobileNet {
  constructor(
    readonly model: tf.LayersModel,
    readonly info: MobileNetInfo,
  ) {}

  get layerNames(): string[] {
    return this.model.layers.map((l) => l.name);
  }

  /** A feature extractor sharing this model's weights, cut at `layer`. */
  truncate(layer: string = DEFAULT_LAYER, fit: Fit = 'stretch'): FeatureExtractor {
    let output: tf.SymbolicTensor;
    try {
      output = this.model.getLayer(layer).output as tf.SymbolicTensor;
    } catch {
      throw new Error(
        `MobileNet has no layer "${layer}"; feature layers include conv_pw_11_relu .. conv_pw_13_relu, ` +
          DEFAULT_LAYER,
      );
    }
    return new FeatureExtractor(tf.model({ inputs: this.model.inputs, outputs: output }), layer, this.info, fit);
  }

  /** ImageNet top-k for each image (pixels [h, w, 3] in 0..255). */
  async classify(images: tf.Tensor3D[], topK = 5): Promise<Prediction[][]> {
    const probs = tf.tidy(() => {
      const batch = tf.stack(images.map((im) => toModelInput(im, this.info.inputSize)));
      return this.model.predict(batch) as tf.Tensor2D;
    });
    const rows = (await probs.array()) as number[][];
    probs.dispose();
    return rows.map((row) =>
      row
        .map((probability, i) => ({ className: IMAGENET_CLASSES[i], probability }))
        .sort((a, b) => b.probability - a.probability)
        .slice(0, topK),
    );
  }

  dispose(): void {
    this.model.dispose();
  }
}

export class FeatureExtractor {
  /** Length of one feature vector. */
  readonly featureSize: number;

  constructor(
    readonly model: tf.LayersModel,
    readonly layer: string,
    readonly info: MobileNetInfo,
    readonly fit: Fit = 'stretch',
  ) {
    const shape = model.outputs[0].shape;
    this.featureSize = shape[shape.length - 1] as number;
  }

  /** Pixels [h, w, 3] in 0..255, any size -> features [n, featureSize]. */
  embed(images: tf.Tensor3D[]): tf.Tensor2D {
    return tf.tidy(() => {
      const batch = tf.stack(images.map((im) => toModelInput(im, this.info.inputSize, this.fit))) as tf.Tensor4D;
      const out = this.model.predict(batch) as tf.Tensor;
      return (out.rank === 4 ? tf.mean(out, [1, 2]) : out) as tf.Tensor2D;
    });
  }
}
