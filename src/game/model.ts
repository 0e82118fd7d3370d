// A trained model ready for the game: its frame encoder (chosen by the model's metadata), its head,
// and the library's one decision rule with the thresholds the model was exported with, through the
// very function chapter 07 scored (eval/evaluate.ts, actionsOf).
import * as tf from '@tensorflow/tfjs';
import type { Action } from '../decision';
import { actionsOf } from '../eval/evaluate';
import { checkEncoder, loadHead, type ModelFolder } from '../export/load';
import type { CheckedMetadata } from '../export/metadata';
import { type EncoderSources, type FrameEncoder, loadEncoder } from '../features/encoder';
import { undeclared } from '../features/kinds';
import { type BodyKeypoints, bodyView } from '../pose/keypoints';
import { rgbTensor } from '../preprocess';
import type { RgbFrame } from './frame';

/** Class name -> probability, in the model's class order. */
export type ClassProbabilities = Record<string, number>;

export interface Verdict {
  probabilities: ClassProbabilities;
  action: Action;
  /** What the detector saw, for models whose features use one. */
  keypoints?: BodyKeypoints;
}

/** The model's outputs for one frame as named probabilities (a binary model's one output is punch). */
export function probabilitiesOf(metadata: CheckedMetadata, output: ArrayLike<number>): ClassProbabilities {
  if (metadata.task === 'binary') return { [metadata.classes[0]]: 1 - output[0], [metadata.classes[1]]: output[0] };
  return Object.fromEntries(metadata.classes.map((c, i) => [c, output[i]]));
}

export class GameModel {
  constructor(
    readonly location: string,
    readonly metadata: CheckedMetadata,
    readonly head: tf.LayersModel,
    readonly encoder: FrameEncoder,
  ) {}

  /** One frame through encoder and head; every tensor made here is disposed before returning. */
  async classify(frame: RgbFrame): Promise<Verdict> {
    const pixels = rgbTensor(frame.rgb, frame.width, frame.height);
    let encoded: Awaited<ReturnType<FrameEncoder['encode']>>;
    try {
      encoded = await this.encoder.encode(pixels);
    } finally {
      pixels.dispose();
    }
    const { features, keypoints } = encoded;
    const out = tf.tidy(() => this.head.predict(tf.tensor2d(features, [1, features.length])) as tf.Tensor);
    try {
      const outputs = await out.data<'float32'>();
      return {
        probabilities: probabilitiesOf(this.metadata, outputs),
        // Where the detector looked, the rule checks that a leg is in the picture before a kick.
        action: actionsOf(this.metadata, outputs, keypoints ? [bodyView(keypoints)] : undefined)[0],
        keypoints,
      };
    } finally {
      out.dispose();
    }
  }

  dispose(): void {
    this.head.dispose();
    this.encoder.dispose();
  }
}

/** Loads head and encoder, checking that the encoder gives what the head was trained on. */
export async function loadGameModel(folder: ModelFolder, sources: EncoderSources): Promise<GameModel> {
  const loaded = await loadHead(folder);
  let encoder: FrameEncoder;
  try {
    encoder = await loadEncoder(undeclared(loaded.metadata.features), sources);
  } catch (err) {
    loaded.head.dispose();
    throw new Error(`${folder.location}: ${(err as Error).message}`);
  }
  try {
    checkEncoder(loaded, encoder, folder.location);
  } catch (err) {
    loaded.head.dispose();
    encoder.dispose();
    throw err;
  }
  return new GameModel(folder.location, loaded.metadata, loaded.head, encoder);
}
