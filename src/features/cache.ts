// On-disk cache of MobileNet features, keyed by (image bytes, MobileNet variant, layer, input
// size), so sweeps and re-runs never recompute them. One small file per image:
//   data/features/<variant>/<layer>/<h>x<w>[-letterbox]/<sha256[0..2]>/<sha256>.f32
// holding a header (magic, key, feature size, checksum) and the float32 values. An entry whose
// header, size or checksum does not match is treated as missing and recomputed.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ImageError } from '../image/decode';
import { modelName } from '../mobilenet/names';
import type { FeatureExtractor } from '../mobilenet/network';
import type { Fit } from '../preprocess';
import { settings } from '../settings';
import { writeFileAtomic } from '../util/fs';
import { sha256 } from '../util/hash';
import { type ExtractOptions, extractFiles } from './extract';

const MAGIC = 'KBF1';

export interface CacheKey {
  variant: string;
  layer: string;
  inputSize: readonly [number, number];
  fit: Fit;
}

export function keyOf(extractor: FeatureExtractor): CacheKey {
  return {
    variant: modelName(extractor.info.alpha),
    layer: extractor.layer,
    inputSize: extractor.info.inputSize,
    fit: extractor.fit,
  };
}

/**
 * The cache key of each file: its sha256, `hashes` when given (e.g. the manifest's column: trusted),
 * else hashed from the file's bytes now (an unreadable file gets the key of no bytes and fails later,
 * when it is decoded, with a message naming it).
 */
export async function cacheKeys(files: string[], hashes?: string[]): Promise<string[]> {
  if (hashes && hashes.length !== files.length) throw new Error(`${hashes.length} hashes for ${files.length} files`);
  return hashes ?? Promise.all(files.map(async (f) => sha256(await fs.readFile(f).catch(() => Buffer.alloc(0)))));
}

export class FeatureCache {
  readonly dir: string;
  private readonly keyText: string;

  constructor(
    readonly key: CacheKey,
    readonly featureSize: number,
    root = path.join(settings().dataDir, 'features'),
  ) {
    const size = `${key.inputSize[0]}x${key.inputSize[1]}${key.fit === 'letterbox' ? '-letterbox' : ''}`;
    this.dir = path.join(root, key.variant, key.layer, size);
    this.keyText = `${key.variant}/${key.layer}/${size}/${featureSize}`;
  }

  private file(hash: string): string {
    return path.join(this.dir, hash.slice(0, 2), `${hash}.f32`);
  }

  private header(checksum: string): Buffer {
    return Buffer.from(`${MAGIC} ${this.keyText} ${checksum}\n`, 'latin1');
  }

  /** The cached features of an image with this sha256, or undefined when absent, stale or corrupt. */
  async get(hash: string): Promise<Float32Array | undefined> {
    const bytes = await fs.readFile(this.file(hash)).catch(() => undefined);
    if (!bytes) return undefined;
    const newline = bytes.indexOf(10);
    const body = bytes.subarray(newline + 1);
    if (newline < 0 || body.length !== this.featureSize * 4) return undefined;
    const values = new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length));
    const expected = this.header(checksum(values));
    return bytes.subarray(0, newline + 1).equals(expected) ? values : undefined;
  }

  async put(hash: string, values: Float32Array): Promise<void> {
    if (values.length !== this.featureSize)
      throw new Error(`features of size ${values.length}, cache holds ${this.featureSize}`);
    const body = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    await writeFileAtomic(this.file(hash), Buffer.concat([this.header(checksum(values)), body]));
  }
}

function checksum(values: Float32Array): string {
  return sha256(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).slice(0, 16);
}

export interface CachedFeatures {
  /** Row-major [files.length, featureSize]; rows of failed files are zero. */
  features: Float32Array;
  featureSize: number;
  failed: ImageError[];
  computed: number;
  fromCache: number;
}

/**
 * Features for every file: from the cache where present and valid, otherwise computed in batches
 * (on the worker pool when there are enough: extractFiles) and stored. `hashes` (e.g. the
 * manifest's sha256 column) saves re-hashing; they are trusted.
 */
export async function cachedFeatures(
  extractor: FeatureExtractor,
  files: string[],
  { hashes, cacheRoot, ...options }: ExtractOptions & { hashes?: string[]; cacheRoot?: string } = {},
): Promise<CachedFeatures> {
  const d = extractor.featureSize;
  const cache = new FeatureCache(keyOf(extractor), d, cacheRoot);
  const features = new Float32Array(files.length * d);
  const keys = await cacheKeys(files, hashes);
  const missing: number[] = [];
  for (let i = 0; i < files.length; i++) {
    const hit = await cache.get(keys[i]);
    if (hit) features.set(hit, i * d);
    else missing.push(i);
  }
  const result = await extractFiles(
    extractor,
    missing.map((i) => files[i]),
    options,
  );
  const failedFiles = new Set(result.failed.map((e) => e.file));
  for (let j = 0; j < missing.length; j++) {
    const i = missing[j];
    if (failedFiles.has(files[i])) continue;
    const row = result.features.subarray(j * d, (j + 1) * d);
    features.set(row, i * d);
    await cache.put(keys[i], row);
  }
  return {
    features,
    featureSize: d,
    failed: result.failed,
    computed: missing.length - failedFiles.size,
    fromCache: files.length - missing.length,
  };
}
