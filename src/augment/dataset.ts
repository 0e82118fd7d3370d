// augmentDataset: the training split of <data>/<class>/<file> -> <out>/<class>/<stem>_vNN.jpg plus
// <out>/manifest.csv (one row per variant, `source` = the original) and <out>/augment-state.json
// (the cache key of every output, so a re-run with the same inputs and parameters does no work).
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type DatasetEntry, validIndex } from '../data/entries';
import { type ManifestRow, manifestPath, writeManifest } from '../data/manifest';
import { readSplitIfPresent, splitPath } from '../data/split';
import { writeJsonAtomic } from '../util/fs';
import type { AugmentJob } from './job';
import {
  type Augmenter,
  articlePipeline,
  DEFAULT_SIZE,
  describePipeline,
  type Size,
  validatePipeline,
} from './pipeline';
import { createRunner } from './pool';
import { AUGMENT_VERSION, DEFAULT_JPEG_QUALITY, ENCODER_ID, sha256Hex, variantSeed } from './variant';

export const STATE_FILE = 'augment-state.json';

export interface AugmentProgress {
  /** Variants finished (written or reused) so far, out of `total`. */
  done: number;
  total: number;
  written: number;
  reused: number;
  /** The source just finished, relative to the data folder. */
  file?: string;
}

export interface AugmentDatasetOptions {
  /** Input dataset folder: <data>/<class>/<file>.jpg|png, optional manifest.csv and split.json. */
  data: string;
  /** Output folder (created). */
  out: string;
  /** Variants per training frame (default 16, as the article). */
  variants?: number;
  /** Default 44, the article's np.random.seed(44). */
  seed?: number;
  /** Frames are resized to this first (default 100x56). */
  size?: Size;
  /** Default: the article's pipeline. */
  pipeline?: Augmenter;
  /** Augment every frame even without split.json (default: training split only, split.json required). */
  all?: boolean;
  /** Worker threads (default min(2, cores)); 1 runs in-process. The output bytes do not depend on it. */
  concurrency?: number;
  /** JPEG quality of the outputs (default 90). */
  quality?: number;
  onProgress?: (p: AugmentProgress) => void;
  /** Human-readable notes (what is augmented, what is skipped). */
  log?: (line: string) => void;
}

export interface BadFile {
  /** Relative to the data folder. */
  file: string;
  reason: string;
}

export interface AugmentDatasetResult {
  /** Training frames augmented (bad files excluded). */
  sources: number;
  /** Frames left out because their subject is not in the training split. */
  excluded: number;
  /** Variant files now listed in the output manifest. */
  variants: number;
  written: number;
  reused: number;
  /** Unreadable, empty, non-image or truncated inputs: reported and skipped. */
  bad: BadFile[];
  manifest: string;
  seconds: number;
}

interface StateEntry {
  key: string;
  sha256: string;
  bytes: number;
  row: ManifestRow;
}

interface State {
  version: number;
  seed: number;
  variants: number;
  size: Size;
  quality: number;
  encoder: string;
  pipeline: string;
  outputs: Record<string, StateEntry>;
}

async function readState(out: string): Promise<State | undefined> {
  try {
    const state = JSON.parse(await fs.readFile(path.join(out, STATE_FILE), 'utf8')) as State;
    return state && typeof state.outputs === 'object' ? state : undefined;
  } catch {
    return undefined;
  }
}

async function fileSize(p: string): Promise<number> {
  return fs.stat(p).then(
    (s) => s.size,
    () => -1,
  );
}

export async function augmentDataset(opts: AugmentDatasetOptions): Promise<AugmentDatasetResult> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const variants = opts.variants ?? 16;
  const seed = opts.seed ?? 44;
  const size = opts.size ?? DEFAULT_SIZE;
  const quality = opts.quality ?? DEFAULT_JPEG_QUALITY;
  const pipeline = validatePipeline(opts.pipeline ?? articlePipeline());
  const concurrency = opts.concurrency ?? Math.max(1, Math.min(2, os.cpus().length));
  if (!Number.isInteger(variants) || variants < 1)
    throw new Error(`variants must be a positive integer, got ${variants}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new Error(`seed must be an integer in 0..4294967295, got ${seed}`);
  if (!Number.isInteger(quality) || quality < 1 || quality > 100)
    throw new Error(`quality must be an integer in 1..100, got ${quality}`);
  const data = path.resolve(opts.data);
  const out = path.resolve(opts.out);
  if (data === out) throw new Error('the output folder must differ from the data folder');

  // 1. which frames: the training split only
  const all = (await validIndex(data)).entries;
  let sources = all;
  const split = await readSplitIfPresent(data);
  if (split) {
    const train = new Set(split.train);
    sources = all.filter((s) => train.has(s.subject));
    log(`training split: ${sources.length} of ${all.length} frames (subjects ${[...train].join(', ') || 'none'})`);
  } else if (opts.all) {
    log(`no split.json: augmenting all ${all.length} frames (--all)`);
  } else {
    throw new Error(
      `${splitPath(opts.data)} is missing: only the training split is augmented, so the dataset needs a subject split ` +
        `(validation and test frames must stay un-augmented). Create split.json, or pass --all (all: true) to augment every frame.`,
    );
  }

  // 2. plan: which outputs already exist with a matching key
  const pipelineText = JSON.stringify(pipeline);
  const old = await readState(out);
  const state: State = {
    version: AUGMENT_VERSION,
    seed,
    variants,
    size,
    quality,
    encoder: ENCODER_ID,
    pipeline: describePipeline(pipeline, size),
    outputs: {},
  };
  const digits = Math.max(2, String(variants - 1).length);
  const bad: BadFile[] = [];
  const jobs: {
    source: DatasetEntry;
    job: AugmentJob;
    pending: Map<number, { file: string; key: string; row: ManifestRow }>;
  }[] = [];
  const owners = new Map<string, string>();
  let reused = 0;
  for (const source of sources) {
    const bytes = await fs.readFile(path.join(data, source.file)).catch((err: NodeJS.ErrnoException) => {
      bad.push({ file: source.file, reason: `cannot read (${err.code})` });
      return undefined;
    });
    if (!bytes) continue;
    if (bytes.length === 0) {
      bad.push({ file: source.file, reason: 'empty file, not an image' });
      continue;
    }
    const sourceSha = sha256Hex(bytes);
    const stem = path.basename(source.file, path.extname(source.file));
    const job: AugmentJob = { name: source.file, bytes, size, pipeline, quality, tasks: [] };
    const pending = new Map<number, { file: string; key: string; row: ManifestRow }>();
    for (let v = 0; v < variants; v++) {
      const file = `${source.label}/${stem}_v${String(v).padStart(digits, '0')}.jpg`;
      const owner = owners.get(file);
      if (owner) throw new Error(`${source.file} and ${owner} would both write ${file}; rename one of them`);
      owners.set(file, source.file);
      const key = sha256Hex(
        JSON.stringify([
          AUGMENT_VERSION,
          ENCODER_ID,
          sourceSha,
          seed,
          v,
          size.width,
          size.height,
          quality,
          pipelineText,
        ]),
      );
      const row: ManifestRow = {
        file,
        label: source.label,
        subject: source.subject,
        clip: source.clip,
        frame: source.frame,
        source: source.file,
        sha256: '',
      };
      const prev = old?.outputs[file];
      if (prev && prev.key === key && (await fileSize(path.join(out, file))) === prev.bytes) {
        state.outputs[file] = { ...prev, row: { ...row, sha256: prev.sha256 } };
        reused++;
        continue;
      }
      pending.set(v, { file, key, row });
      job.tasks.push({ variant: v, rngSeed: variantSeed(seed, sourceSha, v), outPath: path.join(out, file) });
    }
    if (job.tasks.length) jobs.push({ source, job, pending });
  }
  const total = (sources.length - bad.length) * variants;
  let written = 0;
  let done = reused;
  opts.onProgress?.({ done, total, written, reused });

  // 3. remove outputs this tool made earlier that are no longer wanted (fewer variants, frame left the split)
  await fs.mkdir(out, { recursive: true });
  for (const file of Object.keys(old?.outputs ?? {})) {
    if (!owners.has(file)) await fs.rm(path.join(out, file), { force: true });
  }

  // 4. run the missing work on the pool
  // saves are chained: two at once would race on the temporary file
  let saving: Promise<void> = Promise.resolve();
  const saveState = () => (saving = saving.then(() => writeJsonAtomic(path.join(out, STATE_FILE), state)));
  if (jobs.length) {
    log(
      `augmenting ${jobs.length} frames x up to ${variants} variants on ${Math.min(concurrency, jobs.length)} thread(s); ${reused} variants already done`,
    );
    const runner = createRunner(Math.min(concurrency, jobs.length));
    let sinceSave = 0;
    try {
      await Promise.all(
        jobs.map(async ({ source, job, pending }) => {
          const result = await runner.run(job);
          if (!result.ok) {
            bad.push({ file: source.file, reason: result.reason });
            done += pending.size;
          } else {
            for (const o of result.outputs) {
              const p = pending.get(o.variant)!;
              state.outputs[p.file] = {
                key: p.key,
                sha256: o.sha256,
                bytes: o.bytes,
                row: { ...p.row, sha256: o.sha256 },
              };
              written++;
              done++;
            }
          }
          opts.onProgress?.({ done, total, written, reused, file: source.file });
          if (++sinceSave >= 100) {
            sinceSave = 0;
            await saveState();
          }
        }),
      );
    } finally {
      await runner.close();
    }
  }

  // 5. manifest of every variant of every good training frame
  const goodFiles = Object.keys(state.outputs).sort();
  const rows = goodFiles.map((f) => state.outputs[f].row);
  await saveState();
  await writeManifest(out, rows);
  bad.sort((a, b) => (a.file < b.file ? -1 : 1));
  return {
    sources: sources.length - bad.length,
    excluded: all.length - sources.length,
    variants: rows.length,
    written,
    reused,
    bad,
    manifest: manifestPath(out),
    seconds: (Date.now() - started) / 1000,
  };
}
