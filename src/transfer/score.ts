// Scoring a trained head on any frames (real ones, or the webcam renders' held-out people, whole or
// framed as a webcam would frame them), and its cost per frame as the game pays it: one frame at a
// time, pixels to probabilities.
import * as tf from '@tensorflow/tfjs';
import type { BodyView } from '../decision';
import { predict } from '../eval/evaluate';
import { headOutputs } from '../eval/folder';
import type { Metrics } from '../eval/metrics';
import { frameFeatures } from '../features/frames';
import { type FramingSettings, framedKeypoints } from '../features/framings';
import { type FrameFeatures, undeclared } from '../features/kinds';
import { encoderFor } from '../features/local-encoder';
import { readImage } from '../image/decode';
import { describePose } from '../pose/descriptor';
import { keypointsAt } from '../pose/keypoints';
import { rgbTensor } from '../preprocess';
import type { TrainRun } from '../train/run';
import { type Spread, spread } from '../util/stats';
import { punchMetrics } from './real';

export interface FramesScore {
  /** Punch vs. not punch (3-way arg-max folded). */
  metrics: Metrics;
  /** Row-major model outputs in file order. */
  outputs: Float32Array;
  /** Per frame, what the detector saw, for kinds that use one (the decision rule's leg check). */
  views?: BodyView[];
}

/** A run's head on the given frames (features from the caches where present), scored punch vs. not punch. */
export async function scoreFrames(
  run: Pick<TrainRun, 'model' | 'features' | 'task'>,
  frames: { files: string[]; punch: Int32Array },
  onBatch?: (done: number, total: number) => void,
): Promise<FramesScore> {
  const scored = await headOutputs(run.model, undeclared(run.features), frames.files, { onBatch });
  return { metrics: punchMetrics(scored.outputs, run.task === 'ternary' ? 3 : 1, frames.punch), ...scored };
}

/**
 * A pose run's head on webcam framings of the given frames (src/pose/framing.ts), each framing
 * labelled as its frame; undefined for kinds that see pixels (their framings are not computed).
 */
export async function scoreFramings(
  run: Pick<TrainRun, 'model' | 'features' | 'task'>,
  frames: { files: string[]; punch: Int32Array },
  settings: FramingSettings,
): Promise<(FramesScore & { framings: number }) | undefined> {
  const spec = undeclared(run.features);
  if (spec.kind !== 'pose') return undefined;
  const whole = await frameFeatures(spec, frames.files);
  if (whole.failed.length > 0 || !whole.keypoints)
    throw new Error(`cannot read ${whole.failed.length} image(s): ${whole.failed[0]?.message}`);
  const f = await framedKeypoints(spec, frames.files, whole.keypoints, settings);
  const size = spec.descriptor.size;
  const x = new Float32Array(f.source.length * size);
  f.source.forEach((_, j) => {
    x.set(describePose(keypointsAt(f.keypoints, j), spec.descriptor), j * size);
  });
  const punch = Int32Array.from(f.source, (i) => frames.punch[i]);
  const units = run.task === 'ternary' ? 3 : 1;
  const outputs = predict(run.model, { x, featureSize: size, y: punch, classes: [] });
  return { metrics: punchMetrics(outputs, units, punch), outputs, framings: f.source.length };
}

/**
 * Milliseconds from decoded pixels to the head's output, one frame at a time on this thread through
 * the encoder the page runs (features/encoder.ts), after two warm-up frames; decoding is not counted.
 */
export async function msPerFrame(
  spec: FrameFeatures,
  head: tf.LayersModel,
  files: string[],
): Promise<Spread & { frames: number }> {
  const encoder = await encoderFor(spec);
  const times: number[] = [];
  for (let i = 0; i < files.length + 2; i++) {
    const image = await readImage(files[i % files.length]);
    const pixels = rgbTensor(image.data, image.width, image.height);
    const t0 = performance.now();
    const { features } = await encoder.encode(pixels);
    const out = tf.tidy(() => head.predict(tf.tensor2d(features, [1, features.length])) as tf.Tensor);
    await out.data();
    const ms = performance.now() - t0;
    out.dispose();
    pixels.dispose();
    if (i >= 2) times.push(ms);
  }
  return { ...spread(times), frames: times.length };
}
