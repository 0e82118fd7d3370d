// Features for every image of one or more dataset folders (all splits), computed where the cache
// does not hold them: what `kombat features` runs ahead of sweeps and training.
import * as path from 'node:path';
import { validIndex } from '../data/entries';
import { unreadableImages } from '../image/decode';
import { cachedFeatures } from './cache';
import { extractorFor, type FeatureSpec } from './spec';

export interface FolderFeaturesResult {
  images: number;
  computed: number;
  fromCache: number;
  featureSize: number;
  seconds: number;
  /** Per folder: its images. */
  folders: { dir: string; images: number }[];
}

export async function cacheFolderFeatures(
  spec: FeatureSpec,
  dirs: string[],
  options: {
    onBatch?: (done: number, total: number) => void;
    log?: (line: string) => void;
    /** Stops after the batches in progress; the finished ones stay cached (FeaturesInterrupted). */
    signal?: AbortSignal;
  } = {},
): Promise<FolderFeaturesResult> {
  const t0 = performance.now();
  const files: string[] = [];
  const folders: FolderFeaturesResult['folders'] = [];
  for (const dir of dirs) {
    const index = await validIndex(dir);
    for (const e of index.entries) files.push(path.join(dir, e.file));
    folders.push({ dir, images: index.entries.length });
  }
  const extractor = await extractorFor(spec);
  options.log?.(
    `${files.length} images; MobileNet v1 alpha ${spec.alpha}, ${spec.inputSize[1]}x${spec.inputSize[0]} ` +
      `(${spec.fit}), ${spec.layer}: ${extractor.featureSize} features`,
  );
  const result = await cachedFeatures(extractor, files, { onBatch: options.onBatch, signal: options.signal });
  if (result.failed.length > 0) throw unreadableImages(result.failed);
  return {
    images: files.length,
    computed: result.computed,
    fromCache: result.fromCache,
    featureSize: result.featureSize,
    seconds: (performance.now() - t0) / 1000,
    folders,
  };
}
