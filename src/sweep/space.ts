// The hyper-parameter search space as plain data: a list of candidate values per parameter. A
// sweep is either the whole grid or a seeded random sample of distinct grid points (random search
// over the same values), so the same space and seed always give the same trials in the same order.

import { type Profile, settings } from '../settings';
import type { Hyperparams } from '../train/train';
import { mulberry32, shuffle } from '../util/random';

/** The hyper-parameters a sweep varies; the rest (loss, class weights, seed) stay fixed. */
export const SWEPT = ['learningRate', 'hidden', 'dropout', 'batchSize'] as const;
export type SweptParam = (typeof SWEPT)[number];
export type TrialParams = Pick<Hyperparams, SweptParam>;

export type SearchSpace = { readonly [K in SweptParam]: readonly number[] };

/** One point of the space, numbered in the order the sweep runs it (1-based). */
export interface Trial extends TrialParams {
  trial: number;
}

/**
 * The default space: 4 x 4 x 3 x 3 = 144 points around the project's corrected set-up (Adam at 1e-4,
 * 1024 units, dropout 0.5, batches of 64). Learning rates on a log scale from 1e-4 to 3e-3; hidden
 * sizes from 64 to 512 (the article's 1024 costs about twice 512 per epoch and is the corrected
 * baseline, trained in chapter 05); batches of 64 to 256 (larger ones are cheaper per epoch).
 */
export const DEFAULT_SPACE: SearchSpace = {
  learningRate: [1e-4, 3e-4, 1e-3, 3e-3],
  hidden: [64, 128, 256, 512],
  dropout: [0, 0.25, 0.5],
  batchSize: [64, 128, 256],
};

/** The run profile's space: DEFAULT_SPACE, or the smoke profile's small one. */
export function profileSpace(profile: Profile = settings().profile): SearchSpace {
  return profile.sweep.space ?? DEFAULT_SPACE;
}

const RULES: Record<SweptParam, { ok: (v: number) => boolean; what: string }> = {
  learningRate: { ok: (v) => Number.isFinite(v) && v > 0, what: 'a positive number' },
  hidden: { ok: (v) => Number.isInteger(v) && v >= 1, what: 'a positive integer' },
  dropout: { ok: (v) => Number.isFinite(v) && v >= 0 && v < 1, what: 'a number in [0, 1)' },
  batchSize: { ok: (v) => Number.isInteger(v) && v >= 1, what: 'a positive integer' },
};

/** Throws a message naming the first problem: a missing or empty list, a bad or repeated value. */
export function checkSpace(space: SearchSpace): void {
  for (const key of SWEPT) {
    const values = space[key] as readonly number[] | undefined;
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(
        `search space: ${key} has no values; give at least one (e.g. ${JSON.stringify(DEFAULT_SPACE[key])})`,
      );
    }
    const bad = values.find((v) => typeof v !== 'number' || !RULES[key].ok(v));
    if (bad !== undefined)
      throw new Error(`search space: ${key} value ${JSON.stringify(bad)} is not ${RULES[key].what}`);
    if (new Set(values).size !== values.length)
      throw new Error(`search space: ${key} lists a value twice (${values.join(', ')})`);
  }
}

/** Number of grid points. */
export function spaceSize(space: SearchSpace): number {
  checkSpace(space);
  return SWEPT.reduce((n, key) => n * space[key].length, 1);
}

/** Every grid point, learning rate varying slowest, batch size fastest. */
export function gridTrials(space: SearchSpace): Trial[] {
  checkSpace(space);
  let points: TrialParams[] = [{} as TrialParams];
  for (const key of SWEPT) points = points.flatMap((p) => space[key].map((v) => ({ ...p, [key]: v })));
  return points.map((p, i) => ({ trial: i + 1, ...p }));
}

function checkTrials(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`trials must be a positive integer, got ${n}`);
}

/**
 * `n` distinct grid points drawn at random with `seed` (random search over the listed values).
 * Asking for at least as many points as the grid holds returns the whole grid, in random order.
 */
export function sampleTrials(space: SearchSpace, n: number, seed: number): Trial[] {
  checkTrials(n);
  const grid = gridTrials(space);
  const picked = shuffle(mulberry32(seed), grid).slice(0, n);
  return picked.map((p, i) => ({ ...p, trial: i + 1 }));
}

/** Trials for a sweep: the whole grid, or `n` random distinct points. */
export function planTrials(space: SearchSpace, trials: number | 'grid', seed: number): Trial[] {
  return trials === 'grid' ? gridTrials(space) : sampleTrials(space, trials, seed);
}

/** A learning rate as people write it: 0.0003 -> "3e-4". */
export function formatRate(v: number): string {
  return v
    .toExponential()
    .replace(/\.?0*e/, 'e')
    .replace('e+', 'e');
}

/** The space as a small table, one line per parameter. */
export function describeSpace(space: SearchSpace): string {
  checkSpace(space);
  const lines = SWEPT.map((key) => {
    const values = space[key].map((v) => (key === 'learningRate' ? formatRate(v) : String(v)));
    return `${key.padEnd(13)} ${values.join(', ')}`;
  });
  return [...lines, `${spaceSize(space)} grid points`].join('\n');
}
