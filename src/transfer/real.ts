// Real frames for chapter 09: where they are, what they are labelled, and how a model's
// predictions are scored on them. Real recordings here have punch and not-punch frames only (no
// kicks), so every model is judged as punch vs. not punch: a 3-way model's arg-max is folded
// (punch -> punch; kick or other -> not punch).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { type DatasetEntry, indexDataset } from '../data/entries';
import { TASK_CLASSES } from '../data/tasks';
import { foldToPunch } from '../eval/fold';
import { computeMetrics, type Metrics } from '../eval/metrics';
import { settings } from '../settings';

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
