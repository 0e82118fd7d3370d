// What every chapter's results file holds besides its own numbers: which chapter wrote it, in which
// format, on what machine and backend, how long it took and which figures it drew. Each chapter's
// results are a TypeScript type (./layer-choice.ts ... ./export.ts), built by a function the
// notebook calls, and written as that type serialised (./files.ts); the results page reads them
// back typed (./page.ts). A renamed field is a compile error there, not a silently missing section.
import * as os from 'node:os';
import type { Environment } from '../backend';
import { settings } from '../settings';

/** The results files, one per chapter that measures something (new chapters add theirs here). */
export const CHAPTERS = [
  '03-layer-choice',
  '04-binary',
  '05-ternary',
  '06-sweeps',
  '07-evaluation',
  '08-export',
  '09-synthetic-to-real',
  '10-playing',
] as const;
export type Chapter = (typeof CHAPTERS)[number];

/**
 * Each chapter's results format, bumped when its results type changes: a file of another format is
 * refused, not misread, and only that chapter needs to run again. (3: the thresholds of the
 * article's rule, {other, action} and {punch}, replaced {any, action}.)
 */
export const RESULTS_FORMATS = {
  '03-layer-choice': 2,
  '04-binary': 2,
  '05-ternary': 2,
  '06-sweeps': 2,
  '07-evaluation': 3,
  '08-export': 3,
  '09-synthetic-to-real': 3,
  '10-playing': 1,
} as const satisfies Record<Chapter, number>;

export interface Machine {
  cores: number;
  /** 1, 5 and 15 minute load averages when the chapter ended: timings on a shared machine move with it. */
  loadAverage: number[];
}

/** Seconds a chapter took: the total and named parts (features, training, ...). */
export type Seconds = { total: number } & Record<string, number>;

export interface ResultsBase<C extends Chapter> {
  chapter: C;
  format: (typeof RESULTS_FORMATS)[C];
  smoke: boolean;
  environment: Environment;
  machine: Machine;
  seconds: Seconds;
  /** Figures (reports/figures/<name>.png and .html) the chapter drew, in page order. */
  figures: string[];
}

export interface BaseInput {
  environment: Environment;
  /** performance.now() when the chapter started. */
  started: number;
  /** Named parts of the time, in seconds. */
  parts?: Record<string, number>;
  figures?: string[];
}

export function resultsBase<C extends Chapter>(chapter: C, input: BaseInput): ResultsBase<C> {
  return {
    chapter,
    format: RESULTS_FORMATS[chapter],
    smoke: settings().smoke,
    environment: input.environment,
    machine: { cores: os.cpus().length, loadAverage: os.loadavg() },
    seconds: { ...input.parts, total: (performance.now() - input.started) / 1000 },
    figures: input.figures ?? [],
  };
}
