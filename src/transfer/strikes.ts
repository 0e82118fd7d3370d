// What the real "punch" frames show. A folder sorted by hand into punch/ and other/ labels whole
// stretches of video: a punch folder holds the guard before a punch, the wind-up and the return as
// well as the strike. One look at every punch frame (annotations/<folder>-strikes.csv, protocol in
// annotations/README.md) says which show a strike, an arm on its way, or none; scores split by it
// say how much of a model's real-frame error is the labels' and how high a per-frame score can go.
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Action } from '../decision';
import { foldToPunch } from '../eval/fold';
import { keypointsAt } from '../pose/keypoints';
import { settings } from '../settings';
import { shareWhere } from '../util/stats';
import { shortReach } from './diagnose';
import { type RealFrames, sourceOf } from './real';

export const STRIKE_SEEN = ['strike', 'partial', 'none'] as const;
export type StrikeSeen = (typeof STRIKE_SEEN)[number];

/** The annotations for a folder of real frames: annotations/<folder name>-strikes.csv, where it exists. */
export function strikeAnnotationsFile(realDir: string, root = settings().root): string | undefined {
  const file = path.join(root, 'annotations', `${path.basename(realDir)}-strikes.csv`);
  return existsSync(file) ? file : undefined;
}

/**
 * Per real frame (in `real.files` order), what its annotation says; undefined for frames outside
 * punch/. Every punch frame must be annotated, and every annotated file must be a punch frame of the
 * folder (`real` may hold only some of them: the smoke run's first few).
 */
export async function loadStrikeAnnotations(
  file: string,
  real: Pick<RealFrames, 'dir' | 'files' | 'punch'>,
): Promise<(StrikeSeen | undefined)[]> {
  const rows = parse(await fs.readFile(file, 'utf8'), { skip_empty_lines: true, info: true }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  const header = rows[0]?.record.join(',') ?? '';
  if (header !== 'file,strike') throw new Error(`${file}: the first line must be "file,strike", not "${header}"`);
  const index = new Map(real.files.map((f, i) => [path.relative(real.dir, f).split(path.sep).join('/'), i]));
  const seen: (StrikeSeen | undefined)[] = new Array(real.files.length).fill(undefined);
  for (const {
    record: [name, value],
    info,
  } of rows.slice(1)) {
    const where = `${file}:${info.lines}`;
    if (!(STRIKE_SEEN as readonly string[]).includes(value))
      throw new Error(`${where}: "${value}" is not one of ${STRIKE_SEEN.join(', ')}`);
    if (!name.startsWith('punch/') || !existsSync(path.join(real.dir, name)))
      throw new Error(`${where}: ${name} is not a punch frame of ${real.dir}`);
    const i = index.get(name);
    if (i !== undefined) seen[i] = value as StrikeSeen;
  }
  const missing = real.files.findIndex((_, i) => real.punch[i] === 1 && seen[i] === undefined);
  if (missing >= 0) throw new Error(`${file}: no annotation for ${real.files[missing]}`);
  return seen;
}

/** How many punch frames show each, and the best balanced accuracy a per-frame strike detector can reach. */
export interface StrikeCounts {
  counts: Record<StrikeSeen, number>;
  /** The same per source video (sourceOf: "lr_straight"). */
  bySource: Record<string, Record<StrikeSeen, number>>;
  /**
   * Punch vs. not punch balanced accuracy of a detector that fires exactly where an arm is out (strike or
   * partial) and never on the other frames: the labels cap what seeing the strike itself can score.
   */
  ceiling: number;
}

const tally = (values: readonly (StrikeSeen | undefined)[]): Record<StrikeSeen, number> =>
  Object.fromEntries(STRIKE_SEEN.map((s) => [s, values.filter((x) => x === s).length])) as Record<StrikeSeen, number>;

export function strikeCounts(seen: readonly (StrikeSeen | undefined)[], files: readonly string[]): StrikeCounts {
  const counts = tally(seen);
  const sources = [...new Set(files.filter((_, i) => seen[i] !== undefined).map(sourceOf))].sort();
  const bySource = Object.fromEntries(sources.map((s) => [s, tally(seen.filter((_, i) => sourceOf(files[i]) === s))]));
  const punch = counts.strike + counts.partial + counts.none;
  return { counts, bySource, ceiling: punch > 0 ? ((counts.strike + counts.partial) / punch + 1) / 2 : 0 };
}

/** A model's punch calls (arg-max, folded) split by what the punch frames show. */
export interface StrikeBreakdown {
  /** Per annotation, the share of those punch frames the model calls punch. */
  punchCalled: Record<StrikeSeen, number>;
  /** The share of not-punch frames it calls punch. */
  otherCalledPunch: number;
  /** Balanced accuracy with the frames that show no strike left out: arm out (strike or partial) vs. not punch. */
  armOutBalanced: number;
}

export function strikeBreakdown(
  outputs: Float32Array,
  units: number,
  real: Pick<RealFrames, 'punch'>,
  seen: readonly (StrikeSeen | undefined)[],
): StrikeBreakdown {
  const called = foldToPunch(outputs, units);
  const share = (select: (i: number) => boolean) => shareWhere(called.length, select, (i) => called[i] === 1);
  const punchCalled = Object.fromEntries(STRIKE_SEEN.map((s) => [s, share((i) => seen[i] === s)]));
  const otherCalledPunch = share((i) => real.punch[i] === 0);
  const armOut = share((i) => seen[i] === 'strike' || seen[i] === 'partial');
  return {
    punchCalled: punchCalled as Record<StrikeSeen, number>,
    otherCalledPunch,
    armOutBalanced: (armOut + 1 - otherCalledPunch) / 2,
  };
}

/**
 * A check on the annotations that shares no judgement with them: per annotation, the share of those
 * frames in which MoveNet puts a wrist further from its shoulder than a guard allows (not shortReach;
 * `keypoints` one KEYPOINT_ROW per real frame).
 */
export function armOutIn2d(
  keypoints: Float32Array,
  seen: readonly (StrikeSeen | undefined)[],
): Record<StrikeSeen, number> {
  const armOut = (i: number) => !shortReach(keypointsAt(keypoints, i));
  return Object.fromEntries(
    STRIKE_SEEN.map((s) => [s, shareWhere(seen.length, (i) => seen[i] === s, armOut)]),
  ) as Record<StrikeSeen, number>;
}

/** What the game fires (realActions), split the same way. */
export interface StrikeGame {
  /** Per annotation, the share of those punch frames on which a punch fires. */
  punchFired: Record<StrikeSeen, number>;
  /** The share of not-punch frames on which anything fires. */
  otherActed: number;
}

export function strikeGame(
  fired: readonly Action[],
  real: Pick<RealFrames, 'punch'>,
  seen: readonly (StrikeSeen | undefined)[],
): StrikeGame {
  const share = (select: (i: number) => boolean, fires: (a: Action) => boolean) =>
    shareWhere(fired.length, select, (i) => fires(fired[i]));
  const punchFired = Object.fromEntries(
    STRIKE_SEEN.map((s) => [
      s,
      share(
        (i) => seen[i] === s,
        (a) => a === 'punch',
      ),
    ]),
  ) as Record<StrikeSeen, number>;
  return {
    punchFired,
    otherActed: share(
      (i) => real.punch[i] === 0,
      (a) => a !== 'none',
    ),
  };
}
