// On-disk cache of MobileNet features, keyed by (image bytes, MobileNet variant, layer, input
// size), so sweeps and re-runs never recompute them. One small file per image:
//   data/features/<variant>/<layer>/<h>x<w>[-letterbox]/<sha256[0..2]>/<sha256>.f32
// holding a header (magic, key, feature size, checksum) and the float32 values. An entry whose
// header, size or checksum does not match is treated as missing and recomputed.
//
// The sha256 is always of bytes read: a file is hashed when it is looked up (hashing is about a
// tenth of a second per thousand images, reading the cache takes longer), and an entry is stored
// under the hash of the very bytes its features were computed from. No manifest value is trusted,
// so a changed, swapped or replaced image can never be given another image's features.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ImageError } from '../image/decode';
import { FOLDED_COMPUTATION } from '../mobilenet/folded';
import { modelName } from '../mobilenet/names';
import type { FeatureExtractor } from '../mobilenet/network';
import type { Fit } from '../preprocess';
import { settings } from '../settings';
import { removeStaleTemporaries, writeFileAtomic } from '../util/fs';
import { hashFiles, sha256 } from '../util/hash';
import { type Embedder, type ExtractOptions, extractFiles } from './extract';

const MAGIC = 'KBF1';

export interface CacheKey {
  variant: string;
  layer: string;
  inputSize: readonly [number, number];
  fit: Fit;
  /** How the values were computed, where that changed under the same model: part of each entry's header, so
   * entries from before a change are stale and recomputed in place. */
  computation?: string;
}

export function keyOf(extractor: FeatureExtractor): CacheKey {
  return {
    variant: modelName(extractor.info.alpha),
    layer: extractor.layer,
    inputSize: extractor.info.inputSize,
    fit: extractor.fit,
    computation: FOLDED_COMPUTATION,
  };
}

/**
 * The cache key of each file: the sha256 of its bytes, read now; undefined for a file that cannot
 * be read (a miss: extraction then fails with a message naming it).
 */
export function cacheKeys(files: readonly string[]): Promise<(string | undefined)[]> {
  return hashFiles(files);
}

/** The cache key of each file, where every file must be readable: an unreadable one is an error naming it. */
export async function readableCacheKeys(files: readonly string[]): Promise<string[]> {
  const keys = await cacheKeys(files);
  return keys.map((key, i) => {
    if (key === undefined) throw new Error(`cannot read ${files[i]}`);
    return key;
  });
}

/** Cache folders whose stale temporaries this process has removed (once each is enough). */
const swept = new Set<string>();

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
    this.keyText = `${key.variant}/${key.layer}/${size}/${featureSize}${key.computation ? `/${key.computation}` : ''}`;
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

  /**
   * Before computing anything: the folder can be written (else the work would be lost at the end),
   * and temporaries that killed runs left in it are removed.
   */
  async prepare(): Promise<void> {
    try {
      await fs.mkdir(this.dir, { recursive: true });
      const probe = path.join(this.dir, `.probe-${process.pid}`);
      await fs.writeFile(probe, '');
      await fs.rm(probe);
    } catch (err) {
      throw new Error(
        `${this.dir}: the feature cache cannot be written (${(err as NodeJS.ErrnoException).code}); set ` +
          'KOMBAT_DATA_DIR to a writable folder, or make this one writable',
      );
    }
    if (swept.has(this.dir)) return;
    swept.add(this.dir);
    const shards = await fs.readdir(this.dir).catch(() => [] as string[]);
    for (const shard of shards) removeStaleTemporaries(path.join(this.dir, shard));
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

/** An interrupted cachedFeatures: what is in the cache stays there, and a re-run continues from it. */
export class FeaturesInterrupted extends Error {
  constructor(
    /** Files whose features are in the cache (found there, or stored before the interruption). */
    readonly cached: number,
    readonly total: number,
  ) {
    super(`interrupted: the features of ${cached} of ${total} images are in the cache; run again to continue`);
    this.name = 'FeaturesInterrupted';
  }
}

/**
 * Features for every file: from the cache where present and valid, otherwise computed in batches
 * (on the worker pool when there are enough: extractFiles), each batch stored as soon as it is
 * done, so an interruption (`signal`, FeaturesInterrupted) keeps the finished batches.
 */
export async function cachedFeatures(
  extractor: FeatureExtractor,
  files: string[],
  options: ExtractOptions & { cacheRoot?: string } = {},
): Promise<CachedFeatures> {
  const d = extractor.featureSize;
  const got = await cachedParts(extractor, [{ key: keyOf(extractor), featureSize: d }], files, options);
  return {
    features: got.parts[0],
    featureSize: d,
    failed: got.failed,
    computed: got.computed,
    fromCache: got.fromCache,
  };
}

/** One cached part of an Embedder's row: a layer's features, stored under its own key. */
export interface CachePart {
  key: CacheKey;
  featureSize: number;
}

/**
 * cachedFeatures for an Embedder whose rows are `parts` side by side (one per layer): a file comes
 * from the cache when every part is there, otherwise it is computed and every part stored.
 */
export async function cachedParts(
  embedder: Embedder,
  parts: readonly CachePart[],
  files: string[],
  { cacheRoot, ...options }: ExtractOptions & { cacheRoot?: string } = {},
): Promise<{ parts: Float32Array[]; failed: ImageError[]; computed: number; fromCache: number }> {
  const sizes = parts.map((p) => p.featureSize);
  const d = sizes.reduce((a, b) => a + b, 0);
  if (d !== embedder.featureSize) throw new Error(`parts of ${d} features for an embedder of ${embedder.featureSize}`);
  const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0));
  const caches = parts.map((p) => new FeatureCache(p.key, p.featureSize, cacheRoot));
  const features = sizes.map((size) => new Float32Array(files.length * size));
  const keys = await cacheKeys(files);
  const missing: number[] = [];
  for (let i = 0; i < files.length; i++) {
    const key = keys[i];
    const hits = key === undefined ? [] : await Promise.all(caches.map((c) => c.get(key)));
    const found = hits.filter((h): h is Float32Array => h !== undefined);
    if (found.length === caches.length) for (const [k, h] of found.entries()) features[k].set(h, i * sizes[k]);
    else missing.push(i);
  }
  if (missing.length > 0) for (const cache of caches) await cache.prepare();
  const changed: string[] = [];
  const stores: Promise<void>[] = [];
  let stored = 0;
  const store = (start: number, out: { features: Float32Array; hashes: string[] }) => {
    out.hashes.forEach((hash, j) => {
      if (hash === '') return;
      const i = missing[start + j];
      // The file changed between the lookup and its decoding: its features belong to other bytes.
      if (hash !== keys[i]) changed.push(files[i]);
      const rowStores = caches.map((cache, k) => {
        const part = out.features.slice(j * d + offsets[k], j * d + offsets[k] + sizes[k]);
        features[k].set(part, i * sizes[k]);
        return cache.put(hash, part);
      });
      stores.push(Promise.all(rowStores).then(() => void stored++));
    });
  };
  let result: Awaited<ReturnType<typeof extractFiles>>;
  try {
    result = await extractFiles(
      embedder,
      missing.map((i) => files[i]),
      { ...options, onBatchResult: store },
    );
  } catch (err) {
    await Promise.allSettled(stores);
    if (options.signal?.aborted) throw new FeaturesInterrupted(files.length - missing.length + stored, files.length);
    throw err;
  }
  await Promise.all(stores);
  if (changed.length > 0) throw new Error(`${changed.join(', ')}: changed while the features were computed; run again`);
  const failedFiles = new Set(result.failed.map((e) => e.file));
  return {
    parts: features,
    failed: result.failed,
    computed: missing.length - failedFiles.size,
    fromCache: files.length - missing.length,
  };
}
