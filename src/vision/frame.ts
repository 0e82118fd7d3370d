// One frame -> the feature vector a model declares (src/vision/spec.ts). Imports only tfjs and
// browser-safe modules: the game page calls encodeFrame per webcam frame, and Node's batch path
// (src/vision/features.ts) runs the same functions on worker threads, so training, evaluation and
// play see identical numbers.
import * as tf from '@tensorflow/tfjs';
import { describePose } from '../pose/descriptor';
import { cropResize, type DetectorSpec, detectPose } from '../pose/detect';
import { type BodyKeypoints, type Box, frameSquare, personSquare } from '../pose/keypoints';
import { toModelInput } from '../preprocess';
import { type FrameFeatures, featureParts, type MobileNetFeatures, type PersonCropFeatures } from './spec';

/** The models a feature kind needs, loaded by the caller (Node: src/vision/models.ts; the page: over HTTP). */
export interface FrameModels {
  movenet?: tf.GraphModel;
  /** MobileNet cut at part.layer, with input part.inputSize. */
  mobilenet?: (part: MobileNetFeatures | PersonCropFeatures) => tf.LayersModel;
  /** Frees the models' weights. */
  dispose?: () => void;
}

/** The square the person-centred features look at: around the person, or the whole frame letterboxed. */
export function cropBox(part: PersonCropFeatures, k: BodyKeypoints): Box {
  return personSquare(k, part.crop) ?? frameSquare(k.width, k.height);
}

/** Pixels [h, w, 3] in 0..255 -> the square crop as a MobileNet input [side, side, 3] in [-1, 1], mid-grey outside. */
export function cropInput(pixels: tf.Tensor3D, box: Box, side: number): tf.Tensor3D {
  return tf.tidy(() => {
    const scaled = tf.sub(tf.mul(tf.cast(pixels, 'float32'), 2 / 255), 1).expandDims(0) as tf.Tensor4D;
    return cropResize(scaled, box, side, 0).squeeze([0]) as tf.Tensor3D;
  });
}

/** A MobileNet model's features of one prepared input (spatial outputs average-pooled). */
export async function mobilenetRow(model: tf.LayersModel, input: tf.Tensor3D): Promise<Float32Array> {
  const out = tf.tidy(() => {
    const y = model.predict(input.expandDims(0)) as tf.Tensor;
    return y.rank === 4 ? tf.mean(y, [1, 2]) : y;
  });
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

function need<T>(model: T | undefined, what: string): T {
  if (!model) throw new Error(`these features need ${what}, which was not loaded`);
  return model;
}

/** The detector settings shared by the parts of a spec (one MoveNet pass serves them all). */
export function detectorOf(spec: FrameFeatures): DetectorSpec | undefined {
  const specs = featureParts(spec).flatMap((p) => (p.kind === 'mobilenet' ? [] : [p.detector]));
  if (specs.some((d) => d.model !== specs[0].model || d.passes !== specs[0].passes))
    throw new Error('the parts of combined features must use one detector setting');
  return specs[0];
}

/** The features of one part, given the frame's keypoints where the part needs them. */
export async function partFeatures(
  part: ReturnType<typeof featureParts>[number],
  models: FrameModels,
  pixels: tf.Tensor3D,
  keypoints: BodyKeypoints | undefined,
): Promise<Float32Array> {
  switch (part.kind) {
    case 'mobilenet': {
      const input = toModelInput(pixels, part.inputSize, part.fit);
      try {
        return await mobilenetRow(need(models.mobilenet, 'MobileNet')(part), input);
      } finally {
        input.dispose();
      }
    }
    case 'mobilenet-crop': {
      const input = cropInput(pixels, cropBox(part, need(keypoints, 'keypoints')), part.inputSize[0]);
      try {
        return await mobilenetRow(need(models.mobilenet, 'MobileNet')(part), input);
      } finally {
        input.dispose();
      }
    }
    case 'pose':
      return describePose(need(keypoints, 'keypoints'), part.descriptor);
  }
}

export interface EncodedFrame {
  features: Float32Array;
  /** The detector's keypoints, for kinds that need them (the page may draw them). */
  keypoints?: BodyKeypoints;
}

/** Pixels [h, w, 3] in 0..255 -> the feature vector of `spec`, parts concatenated in order. */
export async function encodeFrame(
  spec: FrameFeatures,
  models: FrameModels,
  pixels: tf.Tensor3D,
): Promise<EncodedFrame> {
  const detector = detectorOf(spec);
  const keypoints = detector ? await detectPose(need(models.movenet, 'MoveNet'), pixels, detector) : undefined;
  const rows: Float32Array[] = [];
  for (const part of featureParts(spec)) rows.push(await partFeatures(part, models, pixels, keypoints));
  return { features: concatRows(rows), keypoints };
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
