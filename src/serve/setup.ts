// What the server offers the page: the exported models it finds, and for each MobileNet variant and
// for MoveNet the same source the Node loader would use (MOBILENET_URL or MOVENET_URL, the cache,
// else Google's URL), but without downloading anything: the page reads the official URL itself when
// nothing is cached.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkMetadata } from '../export/metadata';
import { ALPHAS, isCached, modelName, normaliseExplicit, officialUrl } from '../mobilenet';
import { isMoveNetCached, MOVENET_NAME, movenetOfficialModelUrl } from '../pose';
import { settings } from '../settings';
import type { MobileNetEntry, ModelEntry, MoveNetEntry } from './api';

export interface ModelFolderEntry extends ModelEntry {
  dir: string;
}

export const MODELS_PREFIX = '/models/';
export const MOBILENET_PREFIX = '/mobilenet/';
export const EXPLICIT_MOBILENET_PREFIX = '/mobilenet-explicit/';
export const MOVENET_PREFIX = '/movenet/';
export const EXPLICIT_MOVENET_PREFIX = '/movenet-explicit/';

/** Folders of `root` that hold a model.json (an exported model, usable or not), by name. */
export async function findModelFolders(root: string): Promise<string[]> {
  const names = await fs.readdir(root).catch(() => [] as string[]);
  const found: string[] = [];
  for (const name of names.sort()) {
    const dir = path.join(root, name);
    if (
      await fs
        .stat(path.join(dir, 'model.json'))
        .then((s) => s.isFile())
        .catch(() => false)
    )
      found.push(dir);
  }
  return found;
}

/** One entry per folder, named by folder (a repeated name gets -2, -3, ...); problems found while listing. */
export async function describeModels(dirs: string[]): Promise<ModelFolderEntry[]> {
  const entries: ModelFolderEntry[] = [];
  for (const dir of dirs) {
    let name = path.basename(path.resolve(dir)).replace(/[^\w.-]/g, '_');
    for (let n = 2; entries.some((e) => e.name === name); n++) name = `${path.basename(dir)}-${n}`;
    const entry: ModelFolderEntry = { name, dir, url: `${MODELS_PREFIX}${encodeURIComponent(name)}` };
    const text = await fs.readFile(path.join(dir, 'metadata.json'), 'utf8').catch(() => undefined);
    if (text === undefined) entry.problem = 'metadata.json is missing';
    else {
      // The loader's own check, so a model listed without a problem is one the page can load.
      try {
        entry.task = checkMetadata(JSON.parse(text), 'metadata.json').task;
      } catch (err) {
        entry.problem = err instanceof SyntaxError ? 'metadata.json is not valid JSON' : (err as Error).message;
      }
    }
    entries.push(entry);
  }
  return entries;
}

export interface MobileNetSources {
  entries: Record<string, MobileNetEntry>;
  /** A local folder given as MOBILENET_URL, served under EXPLICIT_MOBILENET_PREFIX. */
  explicitDir?: string;
}

export async function mobilenetSources(
  cacheDir: string,
  explicit = settings().mobilenetUrl,
): Promise<MobileNetSources> {
  const entries: Record<string, MobileNetEntry> = {};
  let explicitDir: string | undefined;
  if (explicit) {
    const location = normaliseExplicit(explicit);
    const isUrl = /^https?:\/\//.test(location);
    if (!isUrl) explicitDir = location;
    const url = isUrl ? location : `${EXPLICIT_MOBILENET_PREFIX}model.json`;
    for (const alpha of ALPHAS) entries[modelName(alpha)] = { kind: 'explicit', url };
    return { entries, explicitDir };
  }
  for (const alpha of ALPHAS) {
    const name = modelName(alpha);
    entries[name] = (await isCached(alpha, cacheDir))
      ? { kind: 'cache', url: `${MOBILENET_PREFIX}${name}/model.json` }
      : { kind: 'official', url: officialUrl(alpha) };
  }
  return { entries };
}

export interface MoveNetSources {
  entry: MoveNetEntry;
  /** A local folder given as MOVENET_URL, served under EXPLICIT_MOVENET_PREFIX. */
  explicitDir?: string;
}

export async function movenetSources(cacheDir: string, explicit = settings().movenetUrl): Promise<MoveNetSources> {
  if (explicit) {
    const location = normaliseExplicit(explicit);
    if (/^https?:\/\//.test(location)) return { entry: { kind: 'explicit', url: location } };
    return { entry: { kind: 'explicit', url: `${EXPLICIT_MOVENET_PREFIX}model.json` }, explicitDir: location };
  }
  return (await isMoveNetCached(cacheDir))
    ? { entry: { kind: 'cache', url: `${MOVENET_PREFIX}${MOVENET_NAME}/model.json` } }
    : { entry: { kind: 'official', url: movenetOfficialModelUrl() } };
}
