// Scoring a trained head on any frames (real ones, or the webcam renders' held-out people), and
// its cost per frame as the game pays it: one frame at a time, pixels to probabilities.
import * as tf from '@tensorflow/tfjs';
import { predict } from '../eval/evaluate';
import type { Metrics } from '../eval/metrics';
import { readImage } from '../image/decode';
import { rgbTensor } from '../preprocess';
import { asFrameFeatures, type TrainRun } from '../train/run';
import { frameFeatures } from '../vision/features';
import { encodeFrame } from '../vision/frame';
import { loadFrameModels, resolveLocations } from '../vision/models';
import type { FrameFeatures } from '../vision/spec';
import { punchMetrics } from './real';

export interface FramesScore {
  /** Punch vs. not punch (3-way arg-max folded). */
  metrics: Metrics;
  /** Row-major model outputs in file order. */
  outputs: Float32Array;
}

/** A run's head on the given frames (features from the caches where present), scored punch vs. not punch. */
export async function scoreFrames(
  run: Pick<TrainRun, 'model' | 'features' | 'task'>,
  frames: { files: string[]; hashes: string[]; punch: Int32Array },
  onBatch?: (done: number, total: number) => void,
): Promise<FramesScore> {
  const spec = asFrameFeatures(run.features);
  const r = await frameFeatures(spec, frames.files, { hashes: frames.hashes, onBatch });
  if (r.failed.length > 0) throw new Error(`cannot read ${r.failed.length} image(s): ${r.failed[0].message}`);
  const units = run.task === 'ternary' ? 3 : 1;
  const outputs = predict(run.model, { x: r.features, featureSize: r.featureSize, y: frames.punch, classes: [] });
  return { metrics: punchMetrics(outputs, units, frames.punch), outputs };
}

export interface Timing {
  min: number;
  median: number;
  max: number;
  frames: number;
}

/**
 * Milliseconds from decoded pixels to the head's output, one frame at a time on this thread (as
 * the page runs it), after two warm-up frames; decoding the file is not counted.
 */
export async function msPerFrame(spec: FrameFeatures, head: tf.LayersModel, files: string[]): Promise<Timing> {
  const models = await loadFrameModels(spec, await resolveLocations(spec));
  const times: number[] = [];
  try {
    for (let i = 0; i < files.length + 2; i++) {
      const image = await readImage(files[i % files.length]);
      const pixels = rgbTensor(image.data, image.width, image.height);
      const t0 = performance.now();
      const { features } = await encodeFrame(spec, models, pixels);
      const out = tf.tidy(() => head.predict(tf.tensor2d(features, [1, features.length])) as tf.Tensor);
      await out.data();
      const ms = performance.now() - t0;
      out.dispose();
      pixels.dispose();
      if (i >= 2) times.push(ms);
    }
  } finally {
    models.dispose?.();
  }
  times.sort((a, b) => a - b);
  return {
    min: times[0],
    median: times[Math.floor(times.length / 2)],
    max: times[times.length - 1],
    frames: times.length,
  };
}
