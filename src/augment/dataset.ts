// augmentDataset: the training split of <data>/<class>/<file> -> <out>/<class>/<stem>_vNN.jpg plus
// <out>/manifest.csv (one row per variant, `source` = the original) and <out>/augment-state.json
// (the cache key of every output, so a re-run with the same inputs and parameters does no work).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type DatasetEntry, validIndex } from '../data/entries';
import { DATASET } from '../data/layout';
import { type ManifestRow, manifestPath, writeManifest } from '../data/manifest';
import { readSplitIfPresent, splitPath } from '../data/split';
import { mapInWorkers, poolSize } from '../pool/workers';
import { claimOutput, exists, type FolderKind, writeJsonAtomic } from '../util/fs';
import { sha256, sha256FileSync } from '../util/hash';
import type { AugmentJob, AugmentJobResult } from './job';
import { type Augmenter, articlePipeline, describePipeline, validatePipeline } from './pipeline';
import {
  AUGMENT_VERSION,
  DEFAULT_JPEG_QUALITY,
  describeSize,
  ENCODER_ID,
  KEEP_ASPECT,
  type SizePolicy,
  variantSeed,
} from './variant';

export const STATE_FILE = 'augment-state.json';

/** A folder augment wrote: its state file is written before any variant. */
export const AUGMENTED: FolderKind = {
  name: 'an augmented dataset',
  sign: STATE_FILE,
  is: (dir) => exists(path.join(dir, STATE_FILE)),
};

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
  /** How frames are resized first (default KEEP_ASPECT: their own aspect, shorter side 56 px). */
  size?: SizePolicy;
  /** Default: the article's pipeline. */
  pipeline?: Augmenter;
  /** Augment every frame even without split.json (default: training split only, split.json required). */
  all?: boolean;
  /**
   * The frames to augment, already indexed (e.g. with subjects from a --subjects-from file): all of
   * them, whatever split.json says. Default: the data folder's index.
   */
  sources?: DatasetEntry[];
  /** Worker threads (default: the pool's, poolSize); 1 runs in-process. The output bytes do not depend on it. */
  concurrency?: number;
  /** JPEG quality of the outputs (default 90). */
  quality?: number;
  /** Write into a folder that is not an augmented dataset (never into a file or a dataset). */
  force?: boolean;
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
  size: SizePolicy;
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

/** The options with their defaults, checked. */
function resolveOptions(opts: AugmentDatasetOptions) {
  const resolved = {
    data: path.resolve(opts.data),
    out: path.resolve(opts.out),
    variants: opts.variants ?? 16,
    seed: opts.seed ?? 44,
    size: opts.size ?? KEEP_ASPECT,
    quality: opts.quality ?? DEFAULT_JPEG_QUALITY,
    pipeline: validatePipeline(opts.pipeline ?? articlePipeline()),
    all: opts.all ?? false,
    log: opts.log ?? (() => {}),
  };
  const { variants, seed, quality } = resolved;
  if (!Number.isInteger(variants) || variants < 1)
    throw new Error(`variants must be a positive integer, got ${variants}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new Error(`seed must be an integer in 0..4294967295, got ${seed}`);
  if (!Number.isInteger(quality) || quality < 1 || quality > 100)
    throw new Error(`quality must be an integer in 1..100, got ${quality}`);
  if (resolved.data === resolved.out) throw new Error('the output folder must differ from the data folder');
  return resolved;
}

type Resolved = ReturnType<typeof resolveOptions>;

/** Which frames: the training split of split.json (all frames only when asked, without one). */
async function selectSources(
  o: Resolved,
  given: DatasetEntry[] | undefined,
): Promise<{ sources: DatasetEntry[]; excluded: number }> {
  if (given) return { sources: given, excluded: 0 };
  const all = (await validIndex(o.data)).entries;
  const split = await readSplitIfPresent(o.data);
  if (split) {
    const train = new Set(split.train);
    const sources = all.filter((s) => train.has(s.subject));
    o.log(`training split: ${sources.length} of ${all.length} frames (subjects ${[...train].join(', ') || 'none'})`);
    return { sources, excluded: all.length - sources.length };
  }
  if (o.all) {
    o.log(`no split.json: augmenting all ${all.length} frames (--all)`);
    return { sources: all, excluded: 0 };
  }
  throw new Error(
    `${splitPath(o.data)} is missing: only the training split is augmented, so the dataset needs a subject split ` +
      '(validation and test frames must stay un-augmented). Create split.json, or pass --all (all: true) to ' +
      'augment every frame.',
  );
}

interface Pending {
  file: string;
  key: string;
  row: ManifestRow;
}

interface Plan {
  state: State;
  old: State | undefined;
  /** Frames with variants still to make, and the outputs each will write. */
  jobs: { source: DatasetEntry; job: AugmentJob; pending: Map<number, Pending> }[];
  /** Every output file this run wants, with the source that writes it. */
  owners: Map<string, string>;
  reused: number;
  bad: BadFile[];
}

/** Which outputs already exist with a matching cache key, and the jobs for the rest. */
async function planOutputs(o: Resolved, sources: DatasetEntry[]): Promise<Plan> {
  const pipelineText = JSON.stringify(o.pipeline);
  const old = await readState(o.out);
  const state: State = {
    version: AUGMENT_VERSION,
    seed: o.seed,
    variants: o.variants,
    size: o.size,
    quality: o.quality,
    encoder: ENCODER_ID,
    pipeline: `Resize to ${describeSize(o.size)}, then:\n${describePipeline(o.pipeline)}`,
    outputs: {},
  };
  const digits = Math.max(2, String(o.variants - 1).length);
  const plan: Plan = { state, old, jobs: [], owners: new Map(), reused: 0, bad: [] };
  for (const source of sources) {
    const bytes = await fs.readFile(path.join(o.data, source.file)).catch((err: NodeJS.ErrnoException) => {
      plan.bad.push({ file: source.file, reason: `cannot read (${err.code})` });
      return undefined;
    });
    if (!bytes) continue;
    if (bytes.length === 0) {
      plan.bad.push({ file: source.file, reason: 'empty file, not an image' });
      continue;
    }
    // Keyed on the bytes read now: variant v of a frame is a function of (seed, these bytes, v).
    const sourceSha = sha256(bytes);
    const stem = path.basename(source.file, path.extname(source.file));
    const job: AugmentJob = {
      name: source.file,
      bytes,
      size: o.size,
      pipeline: o.pipeline,
      quality: o.quality,
      tasks: [],
    };
    const pending = new Map<number, Pending>();
    for (let v = 0; v < o.variants; v++) {
      const file = `${source.label}/${stem}_v${String(v).padStart(digits, '0')}.jpg`;
      const owner = plan.owners.get(file);
      if (owner) throw new Error(`${source.file} and ${owner} would both write ${file}; rename one of them`);
      plan.owners.set(file, source.file);
      const size = 'shortSide' in o.size ? ['shortSide', o.size.shortSide] : [o.size.width, o.size.height];
      const key = sha256(
        JSON.stringify([AUGMENT_VERSION, ENCODER_ID, sourceSha, o.seed, v, ...size, o.quality, pipelineText]),
      );
      const { label, subject, clip, frame } = source;
      const row: ManifestRow = { file, label, subject, clip, frame, source: source.file, sha256: '' };
      const prev = old?.outputs[file];
      // Reused only when the bytes on disk are the ones written: a same-size corrupt file is made again.
      if (prev && prev.key === key && sha256FileSync(path.join(o.out, file)) === prev.sha256) {
        state.outputs[file] = { ...prev, row: { ...row, sha256: prev.sha256 } };
        plan.reused++;
        continue;
      }
      pending.set(v, { file, key, row });
      job.tasks.push({ variant: v, rngSeed: variantSeed(o.seed, sourceSha, v), outPath: path.join(o.out, file) });
    }
    if (job.tasks.length) plan.jobs.push({ source, job, pending });
  }
  return plan;
}

/** Outputs an earlier run made that this one no longer wants (fewer variants, a frame left the split). */
async function removeStale(out: string, plan: Plan): Promise<void> {
  await fs.mkdir(out, { recursive: true });
  for (const file of Object.keys(plan.old?.outputs ?? {})) {
    if (!plan.owners.has(file)) await fs.rm(path.join(out, file), { force: true });
  }
}

/** The missing variants, on the worker pool; the state is saved every 100 frames and at the end. */
async function runJobs(o: Resolved, plan: Plan, opts: AugmentDatasetOptions, progress: AugmentProgress): Promise<void> {
  // Saves are chained: two at once would race on the temporary file.
  let saving: Promise<void> = Promise.resolve();
  const saveState = () => {
    saving = saving.then(() => writeJsonAtomic(path.join(o.out, STATE_FILE), plan.state));
    return saving;
  };
  // First, so that the folder is recognisably augment's own (AUGMENTED) whenever a variant is in it.
  await saveState();
  const workers = poolSize(plan.jobs.length, { requested: opts.concurrency });
  if (plan.jobs.length) {
    o.log(
      `augmenting ${plan.jobs.length} frames x up to ${o.variants} variants on ${workers} thread(s); ` +
        `${plan.reused} variants already done`,
    );
  }
  let sinceSave = 0;
  await mapInWorkers<undefined, AugmentJob, AugmentJobResult>(
    plan.jobs.map((j) => j.job),
    {
      module: path.join(__dirname, 'job'),
      setup: undefined,
      workers,
      label: (job) => path.join(o.data, job.name),
      onResult: (result, i) => {
        const { source, pending } = plan.jobs[i];
        if (!result.ok) {
          plan.bad.push({ file: source.file, reason: result.reason });
          progress.done += pending.size;
        } else {
          for (const out of result.outputs) {
            const p = pending.get(out.variant);
            if (!p) throw new Error(`${source.file}: the worker made variant ${out.variant}, which was not asked for`);
            plan.state.outputs[p.file] = {
              key: p.key,
              sha256: out.sha256,
              bytes: out.bytes,
              row: { ...p.row, sha256: out.sha256 },
            };
            progress.written++;
            progress.done++;
          }
        }
        opts.onProgress?.({ ...progress, file: source.file });
        if (++sinceSave >= 100) {
          sinceSave = 0;
          void saveState().catch(() => undefined); // a failed save fails the final one too
        }
      },
    },
  );
  await saveState();
}

export async function augmentDataset(opts: AugmentDatasetOptions): Promise<AugmentDatasetResult> {
  const started = Date.now();
  const o = resolveOptions(opts);
  const release = await claimOutput(o.out, { kind: AUGMENTED, force: opts.force, protect: [DATASET], log: o.log });
  try {
    return await augment(o, opts, started);
  } finally {
    release();
  }
}

async function augment(o: Resolved, opts: AugmentDatasetOptions, started: number): Promise<AugmentDatasetResult> {
  const { sources, excluded } = await selectSources(o, opts.sources);
  const plan = await planOutputs(o, sources);
  const progress: AugmentProgress = {
    done: plan.reused,
    total: (sources.length - plan.bad.length) * o.variants,
    written: 0,
    reused: plan.reused,
  };
  opts.onProgress?.({ ...progress });
  await removeStale(o.out, plan);
  await runJobs(o, plan, opts, progress);
  // The manifest: every variant of every good training frame.
  const rows = Object.keys(plan.state.outputs)
    .sort()
    .map((f) => plan.state.outputs[f].row);
  await writeManifest(o.out, rows);
  plan.bad.sort((a, b) => (a.file < b.file ? -1 : 1));
  return {
    sources: sources.length - plan.bad.length,
    excluded,
    variants: rows.length,
    written: progress.written,
    reused: plan.reused,
    bad: plan.bad,
    manifest: manifestPath(o.out),
    seconds: (Date.now() - started) / 1000,
  };
}
