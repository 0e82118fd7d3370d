// MoveNet SinglePose Lightning on one frame, in two looks: the whole frame (padded to a square),
// then a square around the person found there. A person filling a webcam frame is seen well the
// first time; a small one in a wide room (the rendered recordings) is only 40-60 pixels tall in
// the 192x192 input, and the second look at the crop finds the joints much more precisely.
// Imports only tfjs: the game page runs the very same code.
import * as tf from '@tensorflow/tfjs';
import { type BodyKeypoints, type Box, frameSquare, KEYPOINT_COUNT, keypointScore, personSquare } from './keypoints';

/** The detector a model's features were computed with; part of the metadata contract (features/kinds.ts). */
export interface DetectorSpec {
  model: 'movenet-singlepose-lightning-4';
  /** 1: whole frame only; 2: then again on the square around the person. */
  passes: 1 | 2;
}

export const DEFAULT_DETECTOR: DetectorSpec = { model: 'movenet-singlepose-lightning-4', passes: 2 };

/** MoveNet Lightning's square input side. */
export const MOVENET_INPUT_SIZE = 192;

/** The crop of the second look: 1.4 times the extent of the joints found in the first. */
const SECOND_LOOK = { scale: 1.4, minFraction: 0.15 };

/**
 * Crops `box` out of a [1, h, w, 3] image and resizes it to size x size with bilinear sampling at
 * pixel centres; outside the frame it reads `fill`. One op for the letterbox and the person crop.
 */
export function cropResize(image: tf.Tensor4D, box: Box, size: number, fill = 0): tf.Tensor4D {
  const [, h, w] = image.shape;
  // crop_and_resize samples y1*(h-1) + i*(y2-y1)*(h-1)/(size-1): choose y1, y2 so that output pixel
  // i reads the source at box.y + (i + 0.5) * box.height / size - 0.5 (pixel centres).
  const sy = box.height / size;
  const sx = box.width / size;
  const y0 = box.y + 0.5 * sy - 0.5;
  const x0 = box.x + 0.5 * sx - 0.5;
  const norm = (v: number, n: number) => (n > 1 ? v / (n - 1) : 0);
  const boxes = tf.tensor2d([[norm(y0, h), norm(x0, w), norm(y0 + (size - 1) * sy, h), norm(x0 + (size - 1) * sx, w)]]);
  const out = tf.image.cropAndResize(image, boxes, [0], [size, size], 'bilinear', fill);
  boxes.dispose();
  return out;
}

/** One look: keypoints of the person in `box` of the frame, in frame pixels. */
export async function detectInBox(model: tf.GraphModel, image: tf.Tensor4D, box: Box): Promise<BodyKeypoints> {
  const [, height, width] = image.shape;
  const out = tf.tidy(() => {
    const input = cropResize(image, box, MOVENET_INPUT_SIZE).round().cast('int32');
    return model.execute(input) as tf.Tensor;
  });
  const raw = (await out.data()) as Float32Array;
  out.dispose();
  if (raw.length !== KEYPOINT_COUNT * 3)
    throw new Error(`MoveNet returned ${raw.length} values, expected ${KEYPOINT_COUNT * 3} (17 keypoints x 3)`);
  const points = new Float32Array(KEYPOINT_COUNT * 3);
  for (let i = 0; i < KEYPOINT_COUNT; i++) {
    // MoveNet gives (y, x, score), y and x in 0..1 of its input.
    points[i * 3] = box.x + raw[i * 3 + 1] * box.width;
    points[i * 3 + 1] = box.y + raw[i * 3] * box.height;
    points[i * 3 + 2] = raw[i * 3 + 2];
  }
  return { width, height, points };
}

export function meanScore(k: BodyKeypoints): number {
  let s = 0;
  for (let i = 0; i < KEYPOINT_COUNT; i++) s += keypointScore(k, i);
  return s / KEYPOINT_COUNT;
}

/**
 * Keypoints of the person in a frame (pixels [h, w, 3], 0..255). With two passes the second look
 * replaces the first when it is at least as confident (a crop around a wrong detection is not).
 */
export async function detectPose(
  model: tf.GraphModel,
  pixels: tf.Tensor3D,
  spec: DetectorSpec = DEFAULT_DETECTOR,
): Promise<BodyKeypoints> {
  const image = tf.tidy(() => pixels.toFloat().expandDims(0) as tf.Tensor4D);
  try {
    const [, height, width] = image.shape;
    const whole = frameSquare(width, height);
    const first = await detectInBox(model, image, whole);
    if (spec.passes === 1) return first;
    const box = personSquare(first, SECOND_LOOK);
    if (!box || box.width >= whole.width) return first;
    const second = await detectInBox(model, image, box);
    return meanScore(second) >= meanScore(first) ? second : first;
  } finally {
    image.dispose();
  }
}
