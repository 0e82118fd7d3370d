// Where MoveNet SinglePose Lightning comes from, in the same order as MobileNet: an explicit URL
// or folder (option or MOVENET_URL), the download cache models/movenet/movenet_singlepose_lightning_4/,
// then the official TF Hub URL, downloaded into that cache atomically (a folder with model.json
// is complete). Node only; the page loads the same files over HTTP.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { exists } from '../fsutil';
import { folderHandler } from '../mobilenet/io';
import { describe, download } from '../mobilenet/source';
import { displayPath, projectRoot } from '../paths';

export const MOVENET_NAME = 'movenet_singlepose_lightning_4';
/** TF Hub's TF.js copy (it redirects to Kaggle Models); files are served with `?tfjs-format=file`. */
export const MOVENET_OFFICIAL_URL = 'https://tfhub.dev/google/tfjs-model/movenet/singlepose/lightning/4';
const TFHUB_QUERY = '?tfjs-format=file';
/** The download cache, next to MobileNet's (not committed). */
export const movenetCacheDir = path.join(projectRoot, 'models', 'movenet');

export interface MoveNetSourceOptions {
  /** http(s) URL of model.json or its folder, file:// URL, or a local folder. Default: $MOVENET_URL. */
  url?: string;
  /** Default: models/movenet/ in the project. */
  cacheDir?: string;
  /** Stands in for the official URL (tests use a local server). */
  officialUrl?: string;
}

export interface MoveNetSource {
  kind: 'explicit' | 'cache' | 'download';
  /** A local folder, or an http(s) URL of model.json. */
  location: string;
}

export function movenetCachePath(cacheDir = movenetCacheDir): string {
  return path.join(cacheDir, MOVENET_NAME);
}

export async function resolveMoveNet(options: MoveNetSourceOptions = {}): Promise<MoveNetSource> {
  const explicit = options.url ?? process.env.MOVENET_URL;
  if (explicit) return { kind: 'explicit', location: normalise(explicit) };
  const dir = movenetCachePath(options.cacheDir);
  if (await exists(path.join(dir, 'model.json'))) return { kind: 'cache', location: dir };
  const official = options.officialUrl ?? MOVENET_OFFICIAL_URL;
  const query = official === MOVENET_OFFICIAL_URL ? TFHUB_QUERY : '';
  const url = `${official.replace(/\/$/, '')}/model.json${query}`;
  try {
    await download(url, dir, query);
  } catch (err) {
    throw new Error(
      `MoveNet SinglePose Lightning is not cached in ${displayPath(dir)} and downloading ${url} failed ` +
        `(${describe(err)}). To fix: run once with internet access; or set MOVENET_URL to a folder holding ` +
        `its model.json and weight file; or copy such a folder to ${displayPath(dir)}.`,
    );
  }
  return { kind: 'download', location: dir };
}

function normalise(url: string): string {
  if (/^https?:\/\//.test(url)) return url.includes('.json') ? url : `${url.replace(/\/$/, '')}/model.json`;
  const local = url.startsWith('file://') ? fileURLToPath(url) : path.resolve(url);
  return local.endsWith('model.json') ? path.dirname(local) : local;
}

/** The graph model, checked to take a 192x192 int32 image and give 17 keypoints. */
export async function loadMoveNet(options: MoveNetSourceOptions = {}): Promise<tf.GraphModel> {
  await initBackend();
  const source = await resolveMoveNet(options);
  const handler = source.location.startsWith('http') ? tf.io.http(source.location) : folderHandler(source.location);
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(handler);
  } catch (err) {
    throw new Error(`cannot load MoveNet from ${source.location} (${source.kind}): ${(err as Error).message}`);
  }
  const input = model.inputs[0];
  const shape = input?.shape ?? [];
  if (input?.dtype !== 'int32' || shape[1] !== 192 || shape[2] !== 192 || shape[3] !== 3) {
    model.dispose();
    throw new Error(
      `${source.location}: not MoveNet SinglePose Lightning (input ${input?.dtype} [${shape.join(', ')}], expected int32 [1, 192, 192, 3])`,
    );
  }
  return model;
}
