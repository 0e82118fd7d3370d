// MobileNet v1 in the TensorFlow.js layers format: the full ImageNet classifier, and feature
// extractors truncated at any named layer (spatial outputs are average-pooled to a vector).
import * as tf from '@tensorflow/tfjs';
import { IMAGENET_CLASSES } from '@tensorflow-models/mobilenet/dist/imagenet_classes';
import { initBackend } from '../backend';
import { type Fit, type InputSize, toModelInput } from '../preprocess';
import { locationHandler } from './io';
import { DEFAULT_ALPHA } from './names';
import {
  DEFAULT_LAYER,
  disposeMobileNetModel,
  type FeatureExtractor,
  loadMobileNetModel,
  type MobileNetInfo,
  truncate,
} from './network';
import { resolveSource, type SourceOptions } from './source';

export const DEFAULT_INPUT_SIZE: InputSize = [224, 224];

export interface LoadOptions extends SourceOptions {
  /** [height, width]; default 224x224 as published. */
  inputSize?: InputSize;
}

export interface Prediction {
  className: string;
  probability: number;
}

export async function loadMobileNet(options: LoadOptions = {}): Promise<MobileNet> {
  await initBackend();
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const inputSize = options.inputSize ?? DEFAULT_INPUT_SIZE;
  const source = await resolveSource({ ...options, alpha });
  const model = await loadMobileNetModel(locationHandler(source.location), inputSize, source);
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
    return truncate(this.model, this.info, layer, fit);
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
    disposeMobileNetModel(this.model);
  }
}
