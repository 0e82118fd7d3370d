// The browser-safe half of the MoveNet code (tfjs only): where Google publishes the model and
// loading it from any IOHandler, checked to be MoveNet SinglePose Lightning. The Node loader
// (./source.ts) and the game page both go through loadMoveNetModel.
import * as tf from '@tensorflow/tfjs';
import { MOVENET_INPUT_SIZE } from './detect';

/** The model's folder name, in the cache (models/movenet/) and on the server (/movenet/). */
export const MOVENET_NAME = 'movenet_singlepose_lightning_4';
/** TF Hub's TF.js copy (it redirects to Kaggle Models). */
export const MOVENET_OFFICIAL_URL = 'https://tfhub.dev/google/tfjs-model/movenet/singlepose/lightning/4';
/** TF Hub serves the files only with this query; tf.io.http appends model.json's query to every weight file. */
export const TFHUB_QUERY = '?tfjs-format=file';

/** model.json at the official location, as a loader (Node's download, the page's tf.io.http) reads it. */
export function movenetOfficialModelUrl(base = MOVENET_OFFICIAL_URL): string {
  return `${base.replace(/\/$/, '')}/model.json${base === MOVENET_OFFICIAL_URL ? TFHUB_QUERY : ''}`;
}

/** The graph model from `handler`, checked to take a 192x192 int32 image; errors name `location`. */
export async function loadMoveNetModel(handler: tf.io.IOHandler, location: string): Promise<tf.GraphModel> {
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(handler);
  } catch (err) {
    throw new Error(`cannot load MoveNet from ${location}: ${(err as Error).message}`);
  }
  const input = model.inputs[0];
  const shape = input?.shape ?? [];
  const side = MOVENET_INPUT_SIZE;
  if (input?.dtype !== 'int32' || shape[1] !== side || shape[2] !== side || shape[3] !== 3) {
    model.dispose();
    throw new Error(
      `${location}: not MoveNet SinglePose Lightning (input ${input?.dtype} [${shape.join(', ')}], ` +
        `expected int32 [1, ${side}, ${side}, 3])`,
    );
  }
  return model;
}
