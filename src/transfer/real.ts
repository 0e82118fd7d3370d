// Real frames for chapter 09: where they are, what they are labelled, and how a model's
// predictions are scored on them. Real recordings here have punch and not-punch frames only (no
// kicks), so every model is judged as punch vs. not punch: a 3-way model's arg-max is folded
// (punch -> punch; kick or other -> not punch).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { type DatasetEntry, indexDataset } from '../data/entries';
import { TASK_CLASSES } from '../data/tasks';
import { type Action, type BodyView, held, type ModelRule } from '../decision';
import { actionsOf } from '../eval/evaluate';
import { foldToPunch } from '../eval/fold';
import { computeMetrics, type Metrics } from '../eval/metrics';
import { settings } from '../settings';
import { shareWhere } from '../util/stats';

/** The real frames a development machine keeps next to the project (never copied into it). */
export function sharedRealData(root = settings().root): string {
  return path.resolve(root, '..', 'shared', 'data', 'real-shadowbox');
}

/**
 * The folder of real frames to check models on: `explicit` (an option), else $KOMBAT_REAL_DATA,
 * else ../shared/data/real-shadowbox where it exists; undefined when there are none (a user's
 * fresh clone) or the choice is "none": then chapter 09 runs on synthetic data alone.
 */
export function realDataDir(explicit?: string): string | undefined {
  const chosen = explicit ?? settings().realData;
  if (chosen === 'none') return undefined;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`real frames: ${chosen} does not exist (KOMBAT_REAL_DATA or the option)`);
    return path.resolve(chosen);
  }
  const shared = sharedRealData();
  return existsSync(shared) ? shared : undefined;
}

export interface RealFrames {
  dir: string;
  /** Absolute paths, in file order within each class folder. */
  files: string[];
  /** 1 = punch, 0 = not punch (any other class folder). */
  punch: Int32Array;
  entries: DatasetEntry[];
}

/**
 * Every image of a dataset folder with its punch / not-punch label. `perClass` keeps only the
 * first n of each class (the notebook's smoke run).
 */
export async function loadRealFrames(dir: string, perClass?: number): Promise<RealFrames> {
  // Indexed for the binary task: real recordings often have no kick/ folder (the article's first dataset
  // had none), and punch vs. not punch does not need one.
  const index = await indexDataset(dir, { task: 'binary' });
  const errors = index.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new Error(`${path.join(dir, errors[0].file)}: ${errors[0].message}`);
  let entries = index.entries;
  if (perClass !== undefined) {
    const seen = new Map<string, number>();
    entries = entries.filter((e) => {
      const n = (seen.get(e.label) ?? 0) + 1;
      seen.set(e.label, n);
      return n <= perClass;
    });
  }
  if (!entries.some((e) => e.label === 'punch') || !entries.some((e) => e.label !== 'punch'))
    throw new Error(`${dir}: real frames need punch/ and at least one other class folder with images`);
  return {
    dir,
    files: entries.map((e) => path.join(dir, e.file)),
    punch: Int32Array.from(entries, (e) => (e.label === 'punch' ? 1 : 0)),
    entries,
  };
}

/** Punch vs. not punch of a model's outputs (1 unit: binary; 3: folded arg-max) against the truth. */
export function punchMetrics(outputs: Float32Array, units: number, punch: Int32Array): Metrics {
  return computeMetrics(punch, foldToPunch(outputs, units), TASK_CLASSES.binary);
}

/** punchMetrics per recording subject (the file-name prefix, e.g. a room), in name order. */
export function punchMetricsBySubject(
  outputs: Float32Array,
  units: number,
  real: Pick<RealFrames, 'punch' | 'entries'>,
): Record<string, Metrics> {
  const subjects = [...new Set(real.entries.map((e) => e.subject))].sort();
  return Object.fromEntries(
    subjects.map((s) => {
      const rows = real.entries.flatMap((e, i) => (e.subject === s ? [i] : []));
      const out = new Float32Array(rows.length * units);
      rows.forEach((r, j) => {
        out.set(outputs.subarray(r * units, (r + 1) * units), j * units);
      });
      return [
        s,
        punchMetrics(
          out,
          units,
          Int32Array.from(rows, (r) => real.punch[r]),
        ),
      ];
    }),
  );
}

/** "lr_straight0012.jpg" -> "lr_straight": frames of one source video share it. */
export function sourceOf(file: string): string {
  return path.basename(file, path.extname(file)).replace(/[-_]?\d+$/, '');
}

/**
 * Real frames as the streams they were cut from: for each source video (file-name stem within one
 * class folder), the indices of its frames in name order. Streams are in order of their first file.
 */
export function realStreams(files: readonly string[]): number[][] {
  const byName = files
    .map((_, i) => i)
    .sort((a, b) => {
      const [x, y] = [path.basename(files[a]), path.basename(files[b])];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const streams = new Map<string, number[]>();
  for (const i of byName) {
    const key = `${path.basename(path.dirname(files[i]))}/${sourceOf(files[i])}`;
    const stream = streams.get(key);
    if (stream) stream.push(i);
    else streams.set(key, [i]);
  }
  return [...streams.values()];
}

/** What the game would do on real frames: the share of punch frames that fire a punch, of the others anything. */
export interface RealGameShares {
  punchFramesFiringPunch: number;
  otherFramesFiringAnything: number;
  /** Predictions in a row an action needed (1: each frame on its own). */
  hold: number;
}

/**
 * What the game fires on each real frame: the decision rule over each source video's frames in order
 * (realStreams); `hold` as in eval/play.ts's timeline.
 */
export function realActions(
  rule: ModelRule,
  outputs: Float32Array,
  files: readonly string[],
  views?: readonly BodyView[],
  hold = 1,
): Action[] {
  const each = actionsOf(rule, outputs, views);
  const fired: Action[] = new Array(each.length).fill('none');
  for (const stream of realStreams(files)) {
    const actions = held(
      stream.map((i) => each[i]),
      hold,
    );
    stream.forEach((i, k) => {
      fired[i] = actions[k];
    });
  }
  return fired;
}

/** realActions as shares: punch frames that fire a punch, other frames that fire anything. */
export function realGameShares(
  rule: ModelRule,
  outputs: Float32Array,
  real: Pick<RealFrames, 'files' | 'punch'>,
  views?: readonly BodyView[],
  hold = 1,
): RealGameShares {
  const fired = realActions(rule, outputs, real.files, views, hold);
  const share = (punch: number, fires: (a: Action) => boolean) =>
    shareWhere(
      fired.length,
      (i) => real.punch[i] === punch,
      (i) => fires(fired[i]),
    );
  return {
    punchFramesFiringPunch: share(1, (a) => a === 'punch'),
    otherFramesFiringAnything: share(0, (a) => a !== 'none'),
    hold,
  };
}
