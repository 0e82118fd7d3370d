// Where MoveNet SinglePose Lightning comes from, in the same order as MobileNet: an explicit URL
// or folder (option or MOVENET_URL), the download cache models/movenet/movenet_singlepose_lightning_4/,
// then the official TF Hub URL, downloaded into that cache atomically (a folder with model.json
// is complete). Node only; the page loads the same files over HTTP (serve/setup.ts says from where).
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { locationHandler } from '../mobilenet/io';
import { describe, download, normaliseExplicit } from '../mobilenet/source';
import { displayPath, settings } from '../settings';
import { exists } from '../util/fs';
import { loadMoveNetModel, MOVENET_NAME, MOVENET_OFFICIAL_URL, movenetOfficialModelUrl, TFHUB_QUERY } from './network';

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

export function movenetCachePath(cacheDir = settings().movenetCacheDir): string {
  return path.join(cacheDir, MOVENET_NAME);
}

/** The folder is complete: it only ever appears under this name by an atomic rename. */
export function isMoveNetCached(cacheDir = settings().movenetCacheDir): Promise<boolean> {
  return exists(path.join(movenetCachePath(cacheDir), 'model.json'));
}

export async function resolveMoveNet(options: MoveNetSourceOptions = {}): Promise<MoveNetSource> {
  const explicit = options.url ?? settings().movenetUrl;
  if (explicit) return { kind: 'explicit', location: normaliseExplicit(explicit) };
  const dir = movenetCachePath(options.cacheDir);
  if (await isMoveNetCached(options.cacheDir)) return { kind: 'cache', location: dir };
  const official = options.officialUrl ?? MOVENET_OFFICIAL_URL;
  const url = movenetOfficialModelUrl(official);
  try {
    await download(url, dir, official === MOVENET_OFFICIAL_URL ? TFHUB_QUERY : '');
  } catch (err) {
    throw new Error(
      `MoveNet SinglePose Lightning is not cached in ${displayPath(dir)} and downloading ${url} failed ` +
        `(${describe(err)}). To fix: run once with internet access; or set MOVENET_URL to a folder holding ` +
        `its model.json and weight file; or copy such a folder to ${displayPath(dir)}.`,
    );
  }
  return { kind: 'download', location: dir };
}

/** The graph model, checked to take a 192x192 int32 image and give 17 keypoints. */
export async function loadMoveNet(options: MoveNetSourceOptions = {}): Promise<tf.GraphModel> {
  await initBackend();
  const source = await resolveMoveNet(options);
  return loadMoveNetModel(locationHandler(source.location), `${source.location} (${source.kind})`);
}
