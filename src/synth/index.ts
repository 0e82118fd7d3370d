// Built-in synthetic webcam recordings: subjects s01..sNN, several clips each, rendered one clip
// per task on the worker pool, written as <out>/recordings/<subject>_<clip>.avi + .labels.csv +
// subjects.json.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomSubjects, type Subject } from '../body';
import { mapInWorkers, poolSize } from '../pool/workers';
import { claimOutput, type FolderKind, writeJsonAtomic } from '../util/fs';
import { mulberry32 } from '../util/random';
import type { AmbiguousMode, Label } from './clip';
import { type ClipStyle, planFor } from './plan';
import { type ClipJob, type ClipResult, clipBaseName, type VideoFormat } from './render';
import type { ClipPart } from './script';

export type { AmbiguousMode, Label, LabelRange } from './clip';
export { AMBIGUOUS_MODES, frameRanges, LABELS, labelOf, labelsCsv, planClip } from './clip';
export { CLIP_STYLES, type ClipStyle, planFor } from './plan';
export type { ClipJob, ClipResult } from './render';
export { clipBaseName, renderClip, VIDEO_EXTENSION, VIDEO_FORMATS, type VideoFormat } from './render';
export type { RoomKind } from './room';
export { ROOM_KINDS, roomSvg } from './room';
export { CLIP_PARTS, type ClipPart, parseScript } from './script';
export { planWebcamClip } from './webcam';

export const DEFAULT_SYNTH = {
  subjects: 12,
  clips: 4,
  seed: 1,
  fps: 12,
  width: 320,
  height: 180,
  ambiguous: 'exclude' as AmbiguousMode,
};

export interface RenderOptions {
  /** Dataset root; files go to <out>/recordings. */
  out: string;
  subjects?: number;
  clipsPerSubject?: number;
  seed?: number;
  fps?: number;
  size?: { width: number; height: number };
  ambiguous?: AmbiguousMode;
  /** Worker threads; 0 or 1 renders in this thread. Default: the pool's (poolSize). */
  workers?: number;
  /** Cap each clip's length in seconds (quick tests). */
  maxSeconds?: number;
  /** How the recordings are staged (default 'builtin'). */
  style?: ClipStyle;
  /** First letter of the subject ids (default "s"), so people of two renderings never share an id. */
  subjectPrefix?: string;
  /** Render only these people (ids such as s05) of the seeded set. */
  only?: string[];
  /** Scripted clips (e.g. punches only) instead of random recordings. */
  script?: ClipPart[];
  format?: VideoFormat;
  /** Write into a recordings folder that holds other files (never into a plain file). */
  force?: boolean;
  onProgress?: (framesDone: number, framesTotal: number) => void;
}

export interface RecordingsSummary {
  dir: string;
  seed: number;
  fps: number;
  width: number;
  height: number;
  ambiguous: AmbiguousMode;
  subjects: Subject[];
  clips: (Omit<ClipResult, 'video' | 'labels'> & { file: string; labelsFile: string })[];
  totals: Record<Label, number>;
}

export function recordingsDir(out: string): string {
  return path.join(out, 'recordings');
}

/**
 * What synth writes: s01_c01.avi, s01_c01.labels.csv, ..., subjects.json (other video types: recorded by
 * hand); the subjects' prefix is "s" for the built-in style, "w" for the webcam renders (subjectPrefix).
 */
const SYNTH_FILE = /^([a-z]\d+_c\d+\.(labels\.csv|[a-z0-9]+)|subjects\.json)$/;

/** A recordings folder synth wrote: nothing but its own files (an interrupted run's included). */
export const RECORDINGS: FolderKind = {
  name: 'synthetic recordings',
  sign: 'holding only recordings s01_c01.avi, their s01_c01.labels.csv, ... and subjects.json',
  async is(dir) {
    const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.'));
    return names.length > 0 && names.every((n) => SYNTH_FILE.test(n));
  },
};

/** Seed of one clip, independent of how many subjects / clips are rendered. */
export function clipSeed(seed: number, subjectIndex: number, clipIndex: number): number {
  return (
    (Math.imul(seed + 1, 0x9e3779b1) ^
      Math.imul(subjectIndex + 1, 0x85ebca6b) ^
      Math.imul(clipIndex + 1, 0xc2b2ae35)) >>>
    0
  );
}

export function planJobs(options: RenderOptions): ClipJob[] {
  const n = options.subjects ?? DEFAULT_SYNTH.subjects;
  const clips = options.clipsPerSubject ?? DEFAULT_SYNTH.clips;
  const seed = options.seed ?? DEFAULT_SYNTH.seed;
  const subjects = subjectsOf(n, seed, options.subjectPrefix);
  const unknown = (options.only ?? []).filter((id) => !subjects.some((s) => s.id === id));
  if (unknown.length > 0) {
    throw new Error(`no person ${unknown.join(', ')} among the ${n} people (${subjects[0].id}..${subjects[n - 1].id})`);
  }
  const dir = recordingsDir(options.out);
  const jobs: ClipJob[] = [];
  subjects.forEach((subject, si) => {
    if (options.only && !options.only.includes(subject.id)) return;
    for (let c = 0; c < clips; c++) {
      jobs.push({
        dir,
        subject,
        clip: `c${String(c + 1).padStart(2, '0')}`,
        seed: clipSeed(seed, si, c),
        fps: options.fps ?? DEFAULT_SYNTH.fps,
        width: options.size?.width ?? DEFAULT_SYNTH.width,
        height: options.size?.height ?? DEFAULT_SYNTH.height,
        ambiguous: options.ambiguous ?? DEFAULT_SYNTH.ambiguous,
        maxSeconds: options.maxSeconds,
        ...(options.style ? { style: options.style } : {}),
        script: options.script,
        format: options.format,
      });
    }
  });
  return jobs;
}

/** The people of a rendering: randomSubjects, with ids starting with `prefix` instead of "s". */
export function subjectsOf(count: number, seed: number, prefix = 's'): Subject[] {
  return randomSubjects(count, seed).map((s) => ({ ...s, id: prefix + s.id.slice(1) }));
}

/** Frames a job will render (replays the clip plan, which is the first use of the clip's rng). */
export function jobFrames(job: ClipJob): number {
  const plan = planFor(mulberry32(job.seed), job);
  return Math.max(1, Math.floor(Math.min(plan.duration, job.maxSeconds ?? Infinity) * job.fps));
}

/**
 * Renders the synthetic recordings. Same options, same bytes: every clip has its own seed, and no
 * file holds a timestamp. Files are written atomically (temporary name, then rename).
 */
export async function renderRecordings(options: RenderOptions): Promise<RecordingsSummary> {
  const release = await claimOutput(recordingsDir(options.out), { kind: RECORDINGS, force: options.force });
  try {
    return await render(options);
  } finally {
    release();
  }
}

async function render(options: RenderOptions): Promise<RecordingsSummary> {
  const jobs = planJobs(options);
  const total = jobs.reduce((s, j) => s + jobFrames(j), 0);
  let done = 0;
  const onFrame = () => {
    done++;
    options.onProgress?.(done, total);
  };
  const results = await mapInWorkers<undefined, ClipJob, ClipResult>(jobs, {
    module: path.join(__dirname, 'worker'),
    setup: undefined,
    workers: poolSize(jobs.length, { requested: options.workers }),
    label: (job) => clipBaseName(job.subject.id, job.clip),
    onProgress: onFrame,
  });
  const seed = options.seed ?? DEFAULT_SYNTH.seed;
  const subjects = subjectsOf(options.subjects ?? DEFAULT_SYNTH.subjects, seed, options.subjectPrefix).filter(
    (s) => !options.only || options.only.includes(s.id),
  );
  const totals: Record<Label, number> = { punch: 0, kick: 0, other: 0, ambiguous: 0 };
  for (const r of results) for (const k of Object.keys(totals) as Label[]) totals[k] += r.counts[k];
  const dir = recordingsDir(options.out);
  const summary: RecordingsSummary = {
    dir,
    seed,
    fps: jobs[0]?.fps ?? DEFAULT_SYNTH.fps,
    width: jobs[0]?.width ?? DEFAULT_SYNTH.width,
    height: jobs[0]?.height ?? DEFAULT_SYNTH.height,
    ambiguous: jobs[0]?.ambiguous ?? DEFAULT_SYNTH.ambiguous,
    subjects,
    clips: results.map(({ video, labels, ...rest }) => ({
      ...rest,
      file: path.basename(video),
      labelsFile: path.basename(labels),
    })),
    totals,
  };
  // subjects.json holds no absolute paths, so it is identical wherever it is rendered.
  const { dir: _dir, ...card } = summary;
  void _dir;
  await writeJsonAtomic(path.join(dir, 'subjects.json'), { generator: 'kombat synth', ...card });
  return summary;
}
