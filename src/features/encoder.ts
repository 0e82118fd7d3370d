// How a frame becomes the vector a trained head reads, chosen by the model's metadata. Today every
// exported model declares a MobileNet layer; a model may later declare another kind (body pose,
// issue 12): it adds a case here, and the page, the evaluation and the game loop stay as they are.
// Browser-safe: the weights come through an IOHandler the caller supplies.
import type * as tf from '@tensorflow/tfjs';
import type { Alpha } from '../mobilenet/names';
import type { FeatureExtractor } from '../mobilenet/network';
import { loadMobileNetModel, truncate } from '../mobilenet/network';
import type { ModelSource } from '../mobilenet/source';
import type { FeatureSpec } from './spec';

export const FEATURE_KINDS = ['mobilenet'] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

/** A feature spec as metadata.json holds it; `kind` is absent in models exported before kinds existed. */
export type DeclaredFeatures = FeatureSpec & { kind?: string; featureSize?: number };

export interface FrameEncoder {
  readonly kind: FeatureKind;
  /** Length of one feature vector. */
  readonly featureSize: number;
  /** Pixels [h, w, 3] in 0..255, any size -> features [n, featureSize]; the caller disposes the result. */
  embed(images: tf.Tensor3D[]): tf.Tensor2D;
  dispose(): void;
}

/** Where the weights of each kind of encoder come from (a folder in Node, a URL in the page). */
export interface EncoderSources {
  mobilenet(alpha: Alpha): { handler: tf.io.IOHandler; source: ModelSource };
}

export function featureKind(spec: { kind?: string }): FeatureKind {
  const kind = spec.kind ?? 'mobilenet';
  if (!(FEATURE_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`features of kind "${kind}" are not supported; known kinds: ${FEATURE_KINDS.join(', ')}`);
  }
  return kind as FeatureKind;
}

class MobileNetEncoder implements FrameEncoder {
  readonly kind = 'mobilenet';
  constructor(
    private readonly base: tf.LayersModel,
    readonly extractor: FeatureExtractor,
  ) {}
  get featureSize(): number {
    return this.extractor.featureSize;
  }
  embed(images: tf.Tensor3D[]): tf.Tensor2D {
    return this.extractor.embed(images);
  }
  dispose(): void {
    this.base.dispose();
  }
}

export async function loadEncoder(spec: DeclaredFeatures, sources: EncoderSources): Promise<FrameEncoder> {
  switch (featureKind(spec)) {
    case 'mobilenet': {
      const { handler, source } = sources.mobilenet(spec.alpha);
      const base = await loadMobileNetModel(handler, spec.inputSize, source);
      try {
        return new MobileNetEncoder(
          base,
          truncate(base, { alpha: spec.alpha, inputSize: spec.inputSize, source }, spec.layer, spec.fit),
        );
      } catch (err) {
        base.dispose();
        throw err;
      }
    }
  }
}
