// The built-in dataset, start to finish: synthetic recordings (src/synth) -> frames sorted by the
// recordings' label ranges -> cleaning -> subject split -> balancing within each split ->
// <data>/builtin with manifest.csv and split.json -> dataset card in <reports>/. Seeded and
// deterministic; each step writes atomically, so a failed build leaves the previous dataset and
// card as they were. The sizes come from the run profile (settings.ts: a smoke run builds 3
// subjects' single short clips); the folders from the settings unless given.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { displayPath, FULL, projectRoot, SMOKE, settings } from '../settings';
import { RECORDINGS, renderRecordings } from '../synth';
import { claimOutput, type FolderKind, type OutputRule, writeDirAtomic, writeJsonAtomic } from '../util/fs';
import { balanceSplits, classCounts, formatCounts, type SplitsBalanceResult } from './balance';
import { type CardExtraction, type DatasetCard, MIN_TRAIN_PER_CLASS, makeCard, writeCard } from './card';
import { type CleanOptions, type CleanResult, findDrops } from './clean';
import { writeContactSheets } from './contact';
import { type DatasetEntry, type DatasetIndex, indexDataset } from './entries';
import { extractFrames, type FramesResult } from './frames';
import { readManifest } from './manifest';
import { parseVideoName } from './naming';
import { SPLITS, type Split, splitBySubject } from './split';
import { writeDataset } from './write';

/**
 * About what the article kept per class after deleting surplus "other" frames, and trained on: the
 * cap on the training split's images per class.
 */
export const ARTICLE_PER_CLASS = 190;

export const VIDEO_EXTENSIONS = ['.avi', '.mkv', '.mp4', '.mov', '.webm'];

export interface BuiltinOptions {
  /** Where synthetic/ and builtin/ go; default the settings' data folder. */
  dataDir?: string;
  /** Where the dataset card and contact sheets go; default the settings' reports folder. */
  reportsDir?: string;
  seed?: number;
  /** Synthetic people; default the profile's (12, or 3 in a smoke run: the fewest a split takes). */
  subjects?: number;
  /** Recordings per subject; default the profile's (synth's own, or 1 in a smoke run). */
  clipsPerSubject?: number;
  /** Cap on a recording's length in seconds; default the profile's (none, or 20 in a smoke run). */
  maxSeconds?: number;
  /** Frames per second to extract; default the profile's (the recordings' own, or 5 in a smoke run). */
  fps?: number;
  /**
   * Images per class in the training split after balancing; default its smallest class, at most
   * ARTICLE_PER_CLASS. Validation and test always keep their own smallest class.
   */
  perClass?: number;
  /** The smoke profile's sizes; default: the settings' profile (KOMBAT_SMOKE=1). */
  smoke?: boolean;
  /** Render the recordings again even when matching ones exist. */
  force?: boolean;
  clean?: Omit<CleanOptions, 'onProgress'>;
  /** Rename the final images 1..N per class (the article's convention). */
  number?: boolean;
  /** Progress of the current step. */
  onProgress?: (step: BuiltinStep, done: number, total: number) => void;
  log?: (line: string) => void;
}

export type BuiltinStep = 'synth' | 'frames' | 'clean' | 'write';

export interface Recording {
  video: string;
  labels: string;
  subject: string;
  clip: string;
}

export interface ExtractionSummary extends CardExtraction {
  dir: string;
  results: FramesResult[];
}

export interface BuiltinResult {
  dir: string;
  entries: DatasetEntry[];
  recordings: Recording[];
  extraction: ExtractionSummary;
  cleaning: CleanResult;
  balancing: SplitsBalanceResult<DatasetEntry>;
  split: Split;
  card: DatasetCard;
  cardFiles: { json: string; markdown: string };
  /** reports/contact-sheets/<class>.jpg */
  contactSheets: string[];
  /** Milliseconds per step. */
  timings: Record<string, number>;
}

/** Resolved defaults, so the notebook can show what a build will do. */
export function builtinSettings(options: BuiltinOptions = {}) {
  const s = settings();
  const smoke = options.smoke ?? s.smoke;
  const profile = (smoke ? SMOKE : FULL).builtin;
  const data = options.dataDir ?? s.dataDir;
  const reports = options.reportsDir ?? s.reportsDir;
  return {
    smoke,
    seed: options.seed ?? 1,
    subjects: options.subjects ?? profile.subjects,
    /** Clips per subject and a cap on their length (undefined: synth's defaults). */
    clipsPerSubject: options.clipsPerSubject ?? profile.clipsPerSubject,
    maxSeconds: options.maxSeconds ?? profile.maxSeconds,
    /** Extraction rate (undefined: the recordings' own). */
    fps: options.fps ?? profile.fps,
    syntheticDir: path.join(data, 'synthetic'),
    recordingsDir: path.join(data, 'synthetic', 'recordings'),
    framesDir: path.join(data, 'synthetic', 'frames'),
    datasetDir: path.join(data, 'builtin'),
    reportsDir: reports,
  };
}

/** Frames, or a dataset, cut from the recordings in `recordings`: a manifest.csv listing only their frames. */
export function builtFrom(recordings: string): FolderKind {
  const inside = (source: string) => {
    const rel = path.relative(recordings, path.resolve(projectRoot, source));
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  return {
    name: 'the built-in dataset',
    sign: `a manifest.csv listing frames of ${displayPath(recordings)}`,
    async is(dir) {
      const rows = await readManifest(dir).catch(() => []);
      return rows.length > 0 && rows.every((r) => inside(r.source));
    },
  };
}

/** A build writes only its own folders under the data folder; another is moved away by hand. */
export function buildOutput(kind: FolderKind): OutputRule {
  return { kind, instead: 'move it away, or set KOMBAT_DATA_DIR to another folder', forceable: false };
}

/** Recordings in a folder: every `<stem>.labels.csv` with a video `<stem>.<ext>` next to it. */
export async function listRecordings(dir: string): Promise<Recording[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const recordings: Recording[] = [];
  for (const name of names.filter((n) => n.endsWith('.labels.csv')).sort()) {
    const stem = name.slice(0, -'.labels.csv'.length);
    const video = names.find(
      (n) => path.basename(n, path.extname(n)) === stem && VIDEO_EXTENSIONS.includes(path.extname(n).toLowerCase()),
    );
    if (!video)
      throw new Error(
        `${path.join(dir, name)}: no video ${stem}.{${VIDEO_EXTENSIONS.map((e) => e.slice(1)).join(',')}} next to it`,
      );
    recordings.push({ video: path.join(dir, video), labels: path.join(dir, name), ...parseVideoName(video) });
  }
  return recordings;
}

/** What data/synthetic/build.json records: the settings the recordings were rendered with. */
export function synthStamp(options: BuiltinOptions = {}) {
  const s = builtinSettings(options);
  return {
    seed: s.seed,
    subjects: s.subjects,
    clipsPerSubject: s.clipsPerSubject ?? null,
    maxSeconds: s.maxSeconds ?? null,
    smoke: s.smoke,
  };
}

/**
 * Step 1: synthetic recordings in data/synthetic/recordings. Reuses what is there when it was made
 * with the same settings (data/synthetic/build.json), unless `force`.
 */
export async function renderBuiltinRecordings(options: BuiltinOptions = {}): Promise<Recording[]> {
  const s = builtinSettings(options);
  const stampFile = path.join(s.syntheticDir, 'build.json');
  const stamp = synthStamp(options);
  const old = await fs.readFile(stampFile, 'utf8').then(
    (t) => JSON.parse(t) as unknown,
    () => undefined,
  );
  if (!options.force && JSON.stringify(old) === JSON.stringify(stamp)) {
    const found = await listRecordings(s.recordingsDir).catch(() => []);
    if (found.length > 0) {
      options.log?.(
        `synth: reusing ${found.length} recordings in ${displayPath(s.recordingsDir)} ` +
          '(same settings; force to render again)',
      );
      return found;
    }
  }
  const release = await claimOutput(s.recordingsDir, buildOutput(RECORDINGS));
  try {
    await fs.rm(stampFile, { force: true });
    // Recordings of an earlier, larger build would otherwise linger next to the new ones.
    await fs.rm(s.recordingsDir, { recursive: true, force: true });
    await renderRecordings({
      out: s.syntheticDir,
      subjects: s.subjects,
      seed: s.seed,
      ...(s.clipsPerSubject !== undefined ? { clipsPerSubject: s.clipsPerSubject } : {}),
      ...(s.maxSeconds !== undefined ? { maxSeconds: s.maxSeconds } : {}),
      onProgress: (done: number, total: number) => options.onProgress?.('synth', done, total),
    });
  } finally {
    release();
  }
  await writeJsonAtomic(stampFile, stamp);
  const found = await listRecordings(s.recordingsDir);
  if (found.length === 0) throw new Error(`synth wrote no recordings to ${displayPath(s.recordingsDir)}`);
  return found;
}

/** Step 2: frames of every recording, sorted by its labels, into `framesDir` (replaced as a whole). */
export async function extractRecordings(
  recordings: Recording[],
  framesDir: string,
  { fps, onProgress }: { fps?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<ExtractionSummary> {
  const results: FramesResult[] = [];
  const kind = builtFrom(path.dirname(path.resolve(recordings[0]?.video ?? framesDir)));
  await writeDirAtomic(
    framesDir,
    async (tmp) => {
      for (const r of recordings) {
        results.push(
          await extractFrames({ video: r.video, labels: r.labels, out: tmp, fps, subject: r.subject, clip: r.clip }),
        );
        onProgress?.(results.length, recordings.length);
      }
    },
    buildOutput(kind),
  );
  const rates = [...new Set(results.map((r) => r.fps))];
  const counts = classCounts(results.flatMap((r) => r.rows));
  return {
    dir: framesDir,
    recordings: recordings.length,
    fps: rates.length === 1 ? rates[0] : null,
    frames: results.reduce((s, r) => s + r.rows.length, 0),
    ambiguous: results.reduce((s, r) => s + r.ambiguous, 0),
    unlabelled: results.reduce((s, r) => s + r.unlabelled, 0),
    counts,
    results,
  };
}

/** Step 3: index the extracted frames and decide what cleaning drops. */
export async function cleanFrames(
  framesDir: string,
  options: CleanOptions = {},
): Promise<{ index: DatasetIndex; cleaning: CleanResult }> {
  const index = await indexDataset(framesDir);
  const broken = index.issues.filter((i) => i.severity === 'error');
  if (broken.length > 0)
    throw new Error(
      `frames in ${displayPath(framesDir)} are not a valid dataset: ${broken[0].file}: ${broken[0].message}`,
    );
  return { index, cleaning: await findDrops(framesDir, index.entries, options) };
}

/**
 * Last step: copy the balanced frames to data/builtin (with manifest.csv and split.json), write
 * the dataset card (reports/dataset.json, .md) and the contact sheets (reports/contact-sheets/).
 */
export async function writeBuiltin(
  options: BuiltinOptions,
  steps: {
    extraction: ExtractionSummary;
    framesCount: number;
    cleaning: CleanResult;
    balancing: SplitsBalanceResult<DatasetEntry>;
    split: Split;
  },
): Promise<{
  entries: DatasetEntry[];
  card: DatasetCard;
  cardFiles: { json: string; markdown: string };
  contactSheets: string[];
}> {
  const s = builtinSettings(options);
  const { extraction, cleaning, balancing, split } = steps;
  const entries = await writeDataset(s.framesDir, s.datasetDir, balancing.kept, {
    split,
    number: options.number,
    output: buildOutput(builtFrom(s.recordingsDir)),
  });
  const card = await makeCard(s.datasetDir, entries, {
    name: 'builtin',
    source:
      `synthetic recordings (src/synth: ${s.subjects} subjects, seed ${s.seed}), frames extracted with ffmpeg` +
      (extraction.fps ? ` at ${extraction.fps} fps` : ''),
    seed: s.seed,
    smoke: s.smoke,
    split,
    extraction: {
      recordings: extraction.recordings,
      fps: extraction.fps,
      frames: extraction.frames,
      ambiguous: extraction.ambiguous,
      unlabelled: extraction.unlabelled,
      counts: extraction.counts,
    },
    cleaning: {
      before: steps.framesCount,
      dropped: cleaning.dropped.length,
      byReason: cleaning.byReason,
      options: cleaning.options,
    },
    balancing: { seed: balancing.seed, splits: balancing.splits },
    numbered: options.number ?? false,
  });
  const cardFiles = await writeCard(card, s.reportsDir);
  const sheets = await writeContactSheets(s.datasetDir, entries, path.join(s.reportsDir, 'contact-sheets'));
  return { entries, card, cardFiles, contactSheets: Object.values(sheets).map((x) => x.file) };
}

/** The whole pipeline; see the file comment. The notebook walks the same steps one by one. */
export async function buildBuiltinDataset(options: BuiltinOptions = {}): Promise<BuiltinResult> {
  const s = builtinSettings(options);
  const log = options.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const value = await fn();
    timings[step] = Date.now() - t0;
    return value;
  };

  // Every folder the build replaces is checked (and locked) before the minutes of rendering.
  const releases: (() => void)[] = [];
  try {
    releases.push(await claimOutput(s.recordingsDir, buildOutput(RECORDINGS)));
    for (const dir of [s.framesDir, s.datasetDir])
      releases.push(await claimOutput(dir, buildOutput(builtFrom(s.recordingsDir))));
    return await build(options, s, timings, timed, log);
  } finally {
    for (const release of releases) release();
  }
}

async function build(
  options: BuiltinOptions,
  s: ReturnType<typeof builtinSettings>,
  timings: Record<string, number>,
  timed: <T>(step: string, fn: () => Promise<T>) => Promise<T>,
  log: (line: string) => void,
): Promise<BuiltinResult> {
  const recordings = await timed('synth', () => renderBuiltinRecordings(options));
  log(`synth: ${recordings.length} recordings of ${new Set(recordings.map((r) => r.subject)).size} subjects`);

  const extraction = await timed('frames', () =>
    extractRecordings(recordings, s.framesDir, {
      fps: s.fps,
      onProgress: (d, t) => options.onProgress?.('frames', d, t),
    }),
  );
  log(
    `frames: ${extraction.frames} labelled (${formatCounts(extraction.counts)}), ` +
      `${extraction.ambiguous} ambiguous and ${extraction.unlabelled} unlabelled skipped`,
  );

  const { index, cleaning } = await timed('clean', () =>
    cleanFrames(s.framesDir, { ...options.clean, onProgress: (d, t) => options.onProgress?.('clean', d, t) }),
  );
  log(
    `clean: dropped ${cleaning.dropped.length} (${Object.entries(cleaning.byReason)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
  );

  // Split first, then balance each split on its own: train to its smallest class, at most
  // ARTICLE_PER_CLASS (or perClass), validation and test to their own smallest class. Balancing
  // before the split would spread the article's 190 per class over all three splits.
  const split = splitBySubject(
    cleaning.kept.map((e) => e.subject),
    s.seed,
  );
  log(`split: train ${split.train.join(',')} | val ${split.val.join(',')} | test ${split.test.join(',')}`);
  const balancing = balanceSplits(cleaning.kept, split, {
    seed: s.seed,
    perClass: options.perClass !== undefined ? { train: options.perClass } : {},
    maxPerClass: { train: ARTICLE_PER_CLASS },
  });
  for (const name of SPLITS) {
    const b = balancing.splits[name];
    log(`balance ${name}: ${b.perClass} per class (before: ${formatCounts(b.before)})`);
  }
  if (balancing.splits.train.perClass < MIN_TRAIN_PER_CLASS) {
    log(
      `warning: the train split has ${balancing.splits.train.perClass} images per class, fewer than the ` +
        `${MIN_TRAIN_PER_CLASS} wanted${s.smoke ? ' (expected in smoke mode)' : ''}`,
    );
  }

  const written = await timed('write', () =>
    writeBuiltin(options, { extraction, framesCount: index.entries.length, cleaning, balancing, split }),
  );
  log(
    `dataset: ${displayPath(s.datasetDir)} (${written.entries.length} images), ` +
      `card ${displayPath(written.cardFiles.json)} and ${displayPath(written.cardFiles.markdown)}`,
  );
  return { dir: s.datasetDir, recordings, extraction, cleaning, balancing, split, ...written, timings };
}
