// The webcam-style synthetic dataset (chapter 09): recordings in the "webcam" style
// (src/synth/webcam.ts) of people w01..wNN, who are not the built-in dataset's s01..s12 -> frames
// -> cleaning -> subject split -> data/webcam. Unlike the built-in dataset it is not balanced to
// equal counts: every punch and kick frame is kept and "other" is cut down to as many frames as
// punch has in each split (training weighs the classes), because kicks are rare here (only the
// full-body framings show legs). Seeded and deterministic; recordings are reused when made with
// the same settings.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { displayPath, settings } from '../settings';
import { RECORDINGS, renderRecordings } from '../synth';
import { claimOutput, writeJsonAtomic } from '../util/fs';
import { mulberry32, shuffle } from '../util/random';
import { buildOutput, builtFrom, cleanFrames, extractRecordings, listRecordings } from './builtin';
import type { DatasetEntry } from './entries';
import { SPLITS, type Split, splitBySubject, splitOf } from './split';
import { writeDataset } from './write';

export interface WebcamDatasetOptions {
  /** Default: the settings' data folder. */
  root?: string;
  seed?: number;
  subjects?: number;
  clipsPerSubject?: number;
  /** Frames per second to extract (the recordings are 12). */
  fps?: number;
  maxSeconds?: number;
  onProgress?: (step: 'synth' | 'frames' | 'clean', done: number, total: number) => void;
  log?: (line: string) => void;
}

/** Resolved settings: the run profile's people, clips and rate (settings.ts) unless given. */
export function webcamSettings(options: WebcamDatasetOptions = {}) {
  const { dataDir, profile } = settings();
  const root = options.root ?? dataDir;
  const p = profile.transfer.webcam;
  return {
    seed: options.seed ?? 2,
    subjects: options.subjects ?? p.subjects,
    clipsPerSubject: options.clipsPerSubject ?? p.clipsPerSubject,
    fps: options.fps ?? p.fps,
    maxSeconds: options.maxSeconds ?? p.maxSeconds,
    syntheticDir: path.join(root, 'webcam-synthetic'),
    recordingsDir: path.join(root, 'webcam-synthetic', 'recordings'),
    framesDir: path.join(root, 'webcam-synthetic', 'frames'),
    datasetDir: path.join(root, 'webcam'),
  };
}

export interface WebcamDatasetResult {
  dir: string;
  split: Split;
  counts: Record<string, Record<string, number>>;
  recordings: number;
  reused: boolean;
  seconds: Record<'synth' | 'frames' | 'clean' | 'write', number>;
}

/** Fewest "other" frames kept per split, so that a split with few punches (tiny smoke renders) is never empty. */
const MIN_OTHER = 10;

/** Every punch and kick frame, and "other" cut to the punch count of the split (spread over people). */
export function selectFrames(entries: DatasetEntry[], split: Split, seed: number): DatasetEntry[] {
  const keep = new Set<DatasetEntry>();
  for (const name of SPLITS) {
    const inSplit = entries.filter((e) => splitOf(split, e.subject) === name);
    const wanted = Math.max(MIN_OTHER, inSplit.filter((e) => e.label === 'punch').length);
    for (const e of inSplit) if (e.label !== 'other') keep.add(e);
    const rng = mulberry32(seed * 31 + SPLITS.indexOf(name));
    const bySubject = new Map<string, DatasetEntry[]>();
    for (const e of inSplit.filter((x) => x.label === 'other').sort((a, b) => (a.file < b.file ? -1 : 1)))
      bySubject.set(e.subject, [...(bySubject.get(e.subject) ?? []), e]);
    const queues = [...bySubject.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, xs]) => shuffle(rng, xs));
    let taken = 0;
    for (let round = 0; taken < wanted && queues.some((q) => round < q.length); round++) {
      for (const q of queues) {
        if (taken < wanted && round < q.length) {
          keep.add(q[round]);
          taken++;
        }
      }
    }
  }
  return entries.filter((e) => keep.has(e));
}

export async function buildWebcamDataset(options: WebcamDatasetOptions = {}): Promise<WebcamDatasetResult> {
  const s = webcamSettings(options);
  // Every folder the build replaces is checked (and locked) before anything is deleted or rendered,
  // as the built-in dataset's build does: only this build's own folders, never another dataset.
  const releases: (() => void)[] = [];
  try {
    releases.push(await claimOutput(s.recordingsDir, buildOutput(RECORDINGS)));
    for (const dir of [s.framesDir, s.datasetDir])
      releases.push(await claimOutput(dir, buildOutput(builtFrom(s.recordingsDir))));
    return await build(s, options);
  } finally {
    for (const release of releases) release();
  }
}

async function build(
  s: ReturnType<typeof webcamSettings>,
  options: WebcamDatasetOptions,
): Promise<WebcamDatasetResult> {
  const log = options.log ?? (() => undefined);
  const seconds = { synth: 0, frames: 0, clean: 0, write: 0 };
  const clock = () => performance.now() / 1000;
  let t = clock();

  const stamp = {
    style: 'webcam',
    seed: s.seed,
    subjects: s.subjects,
    clipsPerSubject: s.clipsPerSubject,
    maxSeconds: s.maxSeconds ?? null,
  };
  const stampFile = path.join(s.syntheticDir, 'build.json');
  const old = await fs.readFile(stampFile, 'utf8').catch(() => undefined);
  let recordings = old === JSON.stringify(stamp) ? await listRecordings(s.recordingsDir).catch(() => []) : [];
  const reused = recordings.length > 0;
  if (!reused) {
    await fs.rm(stampFile, { force: true });
    await fs.rm(s.recordingsDir, { recursive: true, force: true });
    await renderRecordings({
      out: s.syntheticDir,
      subjects: s.subjects,
      clipsPerSubject: s.clipsPerSubject,
      seed: s.seed,
      style: 'webcam',
      subjectPrefix: 'w',
      ...(s.maxSeconds !== undefined ? { maxSeconds: s.maxSeconds } : {}),
      onProgress: (done, total) => options.onProgress?.('synth', done, total),
    });
    await fs.writeFile(stampFile, JSON.stringify(stamp));
    recordings = await listRecordings(s.recordingsDir);
  }
  seconds.synth = clock() - t;
  log(
    `webcam: ${recordings.length} recordings ${reused ? 'reused from' : 'rendered to'} ${displayPath(s.recordingsDir)}`,
  );

  t = clock();
  const extraction = await extractRecordings(recordings, s.framesDir, {
    fps: s.fps,
    onProgress: (d, n) => options.onProgress?.('frames', d, n),
  });
  seconds.frames = clock() - t;
  t = clock();
  const { cleaning } = await cleanFrames(s.framesDir, { onProgress: (d, n) => options.onProgress?.('clean', d, n) });
  seconds.clean = clock() - t;
  log(`webcam: ${extraction.frames} labelled frames at ${s.fps} fps, ${cleaning.dropped.length} dropped by cleaning`);

  t = clock();
  const split = splitBySubject(
    cleaning.kept.map((e) => e.subject),
    s.seed,
  );
  const kept = selectFrames(cleaning.kept, split, s.seed);
  await writeDataset(s.framesDir, s.datasetDir, kept, { split, output: buildOutput(builtFrom(s.recordingsDir)) });
  await writeJsonAtomic(path.join(s.syntheticDir, 'dataset.json'), { ...stamp, fps: s.fps, split });
  seconds.write = clock() - t;
  const counts = Object.fromEntries(
    SPLITS.map((name) => {
      const c: Record<string, number> = { punch: 0, kick: 0, other: 0 };
      for (const e of kept) if (splitOf(split, e.subject) === name) c[e.label]++;
      return [name, c];
    }),
  );
  log(`webcam: ${displayPath(s.datasetDir)}: ${SPLITS.map((n) => `${n} ${JSON.stringify(counts[n])}`).join(', ')}`);
  return { dir: s.datasetDir, split, counts, recordings: recordings.length, reused, seconds };
}
