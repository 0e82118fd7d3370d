// How a frame becomes the vector a trained head reads, chosen by the model's metadata
// (features.kind, ./kinds.ts): MobileNet features of the whole frame, of a square around the person
// MoveNet finds, a descriptor of MoveNet's keypoints, or several of these concatenated. One
// encoder for every caller: the game page per webcam frame, `kombat evaluate` and `kombat train`
// (their worker threads run the same per-frame steps, ./detection.ts), and chapter 09. Browser-safe:
// the weights come through IOHandlers the caller supplies (Node: ./local-encoder.ts; the page: URLs).
import * as tf from '@tensorflow/tfjs';
import type { Alpha } from '../mobilenet/names';
import { disposeMobileNetModel, type FeatureExtractor, loadMobileNetModel, truncate } from '../mobilenet/network';
import type { ModelSource } from '../mobilenet/source';
import { describePose } from '../pose/descriptor';
import { cropResize, type DetectorSpec, detectPose } from '../pose/detect';
import { type BodyKeypoints, type Box, frameSquare, personSquare } from '../pose/keypoints';
import { loadMoveNetModel } from '../pose/network';
import { type FrameFeatures, featureParts, type PersonCropFeatures, type SingleFeatures } from './kinds';
import type { FeatureSpec } from './spec';

/** Where the weights of each model an encoder may need come from (a folder in Node, a URL in the page). */
export interface EncoderSources {
  mobilenet(alpha: Alpha): { handler: tf.io.IOHandler; source: ModelSource };
  movenet(): { handler: tf.io.IOHandler; location: string };
}

/** The parts that read MobileNet: the whole frame, or the person crop. */
export type MobileNetPart = FeatureSpec | PersonCropFeatures;

/** The models an encoder runs, loaded by whoever builds it. */
export interface EncoderModels {
  movenet?: tf.GraphModel;
  /** The MobileNet extractor of a part (cut at its layer, at its input size). */
  extractor(part: MobileNetPart): FeatureExtractor;
  /** Frees the models the encoder owns (shared ones are left alone). */
  dispose(): void;
}

export interface EncodedFrame {
  features: Float32Array;
  /** The detector's keypoints, for kinds that use one. */
  keypoints?: BodyKeypoints;
}

/** A crop part's MobileNet extractor settings: its square input, stretched (the crop is already square). */
export function extractorSettings(part: MobileNetPart): Omit<FeatureSpec, 'kind'> {
  const { alpha, inputSize, layer } = part;
  return { alpha, inputSize, layer, fit: part.kind === 'mobilenet' ? part.fit : 'stretch' };
}

/** The detector shared by the parts of a spec (one MoveNet pass serves them all); undefined without one. */
export function detectorOf(spec: FrameFeatures): DetectorSpec | undefined {
  const specs = featureParts(spec).flatMap((p) => (p.kind === 'mobilenet' ? [] : [p.detector]));
  if (specs.some((d) => d.model !== specs[0].model || d.passes !== specs[0].passes))
    throw new Error('the parts of combined features must use one detector setting');
  return specs[0];
}

/** The square the person-centred features look at: around the person, or the whole frame letterboxed. */
export function cropBox(part: PersonCropFeatures, k: BodyKeypoints): Box {
  return personSquare(k, part.crop) ?? frameSquare(k.width, k.height);
}

/** Pixels [h, w, 3] in 0..255 -> the square crop as a MobileNet input [1, side, side, 3] in [-1, 1], grey outside. */
export function cropInput(pixels: tf.Tensor3D, box: Box, side: number): tf.Tensor4D {
  return tf.tidy(() => {
    const scaled = tf.sub(tf.mul(tf.cast(pixels, 'float32'), 2 / 255), 1).expandDims(0) as tf.Tensor4D;
    return cropResize(scaled, box, side, 0);
  });
}

async function rowOf(features: tf.Tensor2D): Promise<Float32Array> {
  try {
    return (await features.data()) as Float32Array;
  } finally {
    features.dispose();
  }
}

export class FrameEncoder {
  /** Length of one feature vector. */
  readonly featureSize: number;
  readonly detector?: DetectorSpec;

  constructor(
    readonly features: FrameFeatures,
    private readonly models: EncoderModels,
  ) {
    this.detector = detectorOf(features);
    if (this.detector && !models.movenet)
      throw new Error(`${features.kind} features need MoveNet, which was not loaded`);
    this.featureSize = featureParts(features).reduce(
      (sum, p) => sum + (p.kind === 'pose' ? p.descriptor.size : models.extractor(p).featureSize),
      0,
    );
  }

  get kind(): FrameFeatures['kind'] {
    return this.features.kind;
  }

  /** The MobileNet extractor of a part (Node's batch path embeds many frames at once with it). */
  extractor(part: MobileNetPart): FeatureExtractor {
    return this.models.extractor(part);
  }

  /** The person's keypoints in a frame (pixels [h, w, 3], 0..255); undefined for kinds without a detector. */
  async keypoints(pixels: tf.Tensor3D): Promise<BodyKeypoints | undefined> {
    if (!this.detector || !this.models.movenet) return undefined;
    return detectPose(this.models.movenet, pixels, this.detector);
  }

  /** The features of one part, given the frame's keypoints where the part needs them. */
  async part(part: SingleFeatures, pixels: tf.Tensor3D, keypoints?: BodyKeypoints): Promise<Float32Array> {
    const need = (): BodyKeypoints => {
      if (!keypoints) throw new Error(`${part.kind} features need the frame's keypoints`);
      return keypoints;
    };
    switch (part.kind) {
      case 'mobilenet':
        return rowOf(this.extractor(part).embed([pixels]));
      case 'mobilenet-crop': {
        const input = cropInput(pixels, cropBox(part, need()), part.inputSize[0]);
        try {
          return await rowOf(this.extractor(part).embedInputs(input));
        } finally {
          input.dispose();
        }
      }
      case 'pose':
        return describePose(need(), part.descriptor);
    }
  }

  /** Pixels [h, w, 3] in 0..255, any size -> the feature vector, parts concatenated in order. */
  async encode(pixels: tf.Tensor3D): Promise<EncodedFrame> {
    const keypoints = await this.keypoints(pixels);
    const rows: Float32Array[] = [];
    for (const part of featureParts(this.features)) rows.push(await this.part(part, pixels, keypoints));
    return { features: concatRows(rows), keypoints };
  }

  dispose(): void {
    this.models.dispose();
  }
}

export function concatRows(rows: Float32Array[]): Float32Array {
  if (rows.length === 1) return rows[0];
  const out = new Float32Array(rows.reduce((s, r) => s + r.length, 0));
  let o = 0;
  for (const r of rows) {
    out.set(r, o);
    o += r.length;
  }
  return out;
}

const partKey = (part: MobileNetPart) => {
  const s = extractorSettings(part);
  return `${s.alpha}/${s.inputSize.join('x')}/${s.layer}/${s.fit}`;
};

/**
 * The encoder of `spec` with models loaded from `sources`, owned by it: MobileNet once per
 * (alpha, input size), cut per part; MoveNet where a part needs keypoints.
 */
export async function loadEncoder(spec: FrameFeatures, sources: EncoderSources): Promise<FrameEncoder> {
  const bases = new Map<string, tf.LayersModel>();
  const extractors = new Map<string, FeatureExtractor>();
  let movenet: tf.GraphModel | undefined;
  const dispose = () => {
    movenet?.dispose();
    for (const base of bases.values()) disposeMobileNetModel(base);
  };
  try {
    for (const part of featureParts(spec)) {
      if (part.kind === 'pose') continue;
      const s = extractorSettings(part);
      const { handler, source } = sources.mobilenet(s.alpha);
      const baseKey = `${s.alpha}/${s.inputSize.join('x')}`;
      let base = bases.get(baseKey);
      if (!base) {
        base = await loadMobileNetModel(handler, s.inputSize, source);
        bases.set(baseKey, base);
      }
      extractors.set(partKey(part), truncate(base, { alpha: s.alpha, inputSize: s.inputSize, source }, s.layer, s.fit));
    }
    if (detectorOf(spec)) {
      const { handler, location } = sources.movenet();
      movenet = await loadMoveNetModel(handler, location);
    }
    return new FrameEncoder(spec, {
      movenet,
      extractor: (part) => {
        const found = extractors.get(partKey(part));
        if (!found) throw new Error(`MobileNet for ${partKey(part)} was not loaded`);
        return found;
      },
      dispose,
    });
  } catch (err) {
    dispose();
    throw err;
  }
}

/** Builds an encoder over models loaded elsewhere and shared (Node's per-process models); dispose frees nothing. */
export function sharedEncoder(
  spec: FrameFeatures,
  movenet: tf.GraphModel | undefined,
  extractors: (part: MobileNetPart) => FeatureExtractor,
): FrameEncoder {
  return new FrameEncoder(spec, { movenet, extractor: extractors, dispose: () => {} });
}
