// Where MobileNet comes from, in order: an explicit URL or folder (option or MOBILENET_URL), the
// download cache models/mobilenet/mobilenet_v1_<alpha>_224/, then the official URL, downloaded
// into that cache atomically so that a half-finished download never counts as cached.
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { displayPath, settings } from '../settings';
import { writeDirAtomic } from '../util/fs';
import { weightBytes } from './io';
import { type Alpha, DEFAULT_ALPHA, modelName, officialUrl } from './names';

export interface SourceOptions {
  alpha?: Alpha;
  /** http(s) URL of model.json or of its folder, file:// URL, or a local folder. Default: $MOBILENET_URL. */
  url?: string;
  /** Default: models/mobilenet/ in the project. */
  cacheDir?: string;
  /** Stands in for the official host (tests use a local server). */
  baseUrl?: string;
}

export interface ModelSource {
  /** 'official': read straight from Google's URL, without the cache (the game page on a user's machine). */
  kind: 'explicit' | 'cache' | 'download' | 'official';
  /** A local folder, or an http(s) URL of model.json. */
  location: string;
}

export function cachePath(alpha: Alpha, cacheDir = settings().mobilenetCacheDir): string {
  return path.join(cacheDir, modelName(alpha));
}

/**
 * The folder is complete: it only ever appears under this name by an atomic rename. A model.json
 * that is there but cannot be read (permissions, a broken link) is an error, not "not cached".
 */
export async function isCached(alpha: Alpha, cacheDir = settings().mobilenetCacheDir): Promise<boolean> {
  const dir = cachePath(alpha, cacheDir);
  const file = path.join(dir, 'model.json');
  const readable = await fs.access(file, fsConstants.R_OK).then(
    () => undefined,
    (err: NodeJS.ErrnoException) => err.code,
  );
  if (readable === undefined) return true;
  const there = await fs.lstat(file).then(
    () => true,
    (err: NodeJS.ErrnoException) => err.code !== 'ENOENT',
  );
  if (!there) return false;
  throw new Error(
    `${displayPath(file)}: cannot be read (${readable}); fix its permissions, or delete the folder ` +
      `${displayPath(dir)} so that MobileNet is downloaded again`,
  );
}

export async function resolveSource(options: SourceOptions = {}): Promise<ModelSource> {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const explicit = options.url ?? settings().mobilenetUrl;
  if (explicit) return { kind: 'explicit', location: normaliseExplicit(explicit) };

  const dir = cachePath(alpha, options.cacheDir);
  if (await isCached(alpha, options.cacheDir)) return { kind: 'cache', location: dir };

  const url = officialUrl(alpha, options.baseUrl);
  try {
    await download(url, dir);
  } catch (err) {
    throw new Error(
      `MobileNet v1 alpha ${alpha} is not cached in ${displayPath(dir)} and downloading ${url} failed ` +
        `(${describe(err)}). To fix: run once with internet access; or set MOBILENET_URL to a folder ` +
        `holding model.json and its weight files; or copy such a folder to ${displayPath(dir)}.`,
    );
  }
  return { kind: 'download', location: dir };
}

/** An explicit location as the loader reads it: the URL of model.json, or a local folder. */
export function normaliseExplicit(url: string): string {
  if (/^https?:\/\//.test(url)) return url.endsWith('.json') ? url : `${url.replace(/\/$/, '')}/model.json`;
  const local = url.startsWith('file://') ? fileURLToPath(url) : path.resolve(url);
  return local.endsWith('model.json') ? path.dirname(local) : local;
}

export function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause ? `${e.message}: ${e.cause.code ?? e.cause.message}` : e.message;
}

async function fetchBytes(url: string): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Downloads model.json and every weight file it lists, then renames the folder into place. `query`
 * is appended to each weight file's URL (TF Hub serves files only with `?tfjs-format=file`).
 */
export async function download(modelJsonUrl: string, targetDir: string, query = ''): Promise<void> {
  const base = modelJsonUrl.slice(0, modelJsonUrl.lastIndexOf('/') + 1);
  await writeDirAtomic(
    targetDir,
    async (tmp) => {
      const json = await fetchBytes(modelJsonUrl);
      const model = JSON.parse(json.toString('utf8')) as {
        weightsManifest?: { paths: string[]; weights: Parameters<typeof weightBytes>[0] }[];
      };
      if (!model.weightsManifest) throw new Error(`${modelJsonUrl} is not a TensorFlow.js model.json`);
      for (const group of model.weightsManifest) {
        for (const shard of group.paths) {
          if (shard.includes('/') || shard.includes('..')) throw new Error(`unexpected weight path ${shard}`);
          await fs.writeFile(path.join(tmp, shard), await fetchBytes(base + shard + query));
        }
      }
      const expected = weightBytes(model.weightsManifest.flatMap((g) => g.weights));
      let actual = 0;
      for (const group of model.weightsManifest) {
        for (const shard of group.paths) actual += (await fs.stat(path.join(tmp, shard))).size;
      }
      if (actual !== expected) throw new Error(`weights hold ${actual} bytes, model.json expects ${expected}`);
      // model.json last: a folder with model.json is complete.
      await fs.writeFile(path.join(tmp, 'model.json'), json);
    },
    {
      instead: 'delete it or put a complete model folder (model.json and its weight files) there',
      forceable: false,
    },
  );
}
