// Parameter ranges as data, and the checks that reject bad ones with a message naming the
// augmenter and the parameter, e.g. "GaussianBlur: sigma must be >= 0, got -1".
import type { Rng } from '../util/random';

/** Closed interval [lo, hi]; a value is drawn uniformly from it once per image (or per channel). */
export type Range = readonly [number, number];

export class AugmentParamError extends Error {
  constructor(
    readonly augmenter: string,
    readonly param: string,
    detail: string,
  ) {
    super(`${augmenter}: ${param} ${detail}`);
    this.name = 'AugmentParamError';
  }
}

function show(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}

export function checkNumber(aug: string, param: string, v: unknown, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new AugmentParamError(aug, param, `must be a finite number, got ${show(v)}`);
  if (v < min) throw new AugmentParamError(aug, param, `must be >= ${min}, got ${v}`);
  if (v > max) throw new AugmentParamError(aug, param, `must be <= ${max}, got ${v}`);
  return v;
}

export function checkInt(aug: string, param: string, v: unknown, min = -Infinity, max = Infinity): number {
  checkNumber(aug, param, v, min, max);
  if (!Number.isInteger(v)) throw new AugmentParamError(aug, param, `must be an integer, got ${v}`);
  return v as number;
}

export function checkProbability(aug: string, param: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    throw new AugmentParamError(aug, param, `must be a probability in 0..1, got ${show(v)}`);
  }
  return v;
}

/** Both ends within [min, max], lo <= hi. */
export function checkRange(
  aug: string,
  param: string,
  r: unknown,
  min = -Infinity,
  max = Infinity,
  integer = false,
): Range {
  if (!Array.isArray(r) || r.length !== 2)
    throw new AugmentParamError(aug, param, `must be a range [lo, hi], got ${show(r)}`);
  const check = integer ? checkInt : checkNumber;
  check(aug, param, r[0], min, max);
  check(aug, param, r[1], min, max);
  if (r[0] > r[1]) throw new AugmentParamError(aug, param, `range must have lo <= hi, got [${r[0]}, ${r[1]}]`);
  return r as unknown as Range;
}

export function checkChoice<T extends string | number>(
  aug: string,
  param: string,
  v: unknown,
  allowed: readonly T[],
): T[] {
  if (!Array.isArray(v) || v.length === 0)
    throw new AugmentParamError(aug, param, `must be a non-empty list, got ${show(v)}`);
  for (const x of v) {
    if (!allowed.includes(x as T))
      throw new AugmentParamError(aug, param, `must be one of ${allowed.join(', ')}, got ${show(x)}`);
  }
  return v as T[];
}

/** Uniform float in [lo, hi]. */
export function sample(rng: Rng, r: Range): number {
  return r[0] + (r[1] - r[0]) * rng();
}

/** Uniform integer in [lo, hi] inclusive. */
export function sampleInt(rng: Rng, r: Range): number {
  return r[0] + Math.floor(rng() * (r[1] - r[0] + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/** Standard normal (Box-Muller). */
export function gaussian(rng: Rng): number {
  let u = rng();
  while (u <= 1e-12) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** One value, or three per-channel values when a coin with probability `perChannel` says so. */
export function sampleChannels(rng: Rng, r: Range, perChannel: number, integer = false): [number, number, number] {
  const draw = () => (integer ? sampleInt(rng, r) : sample(rng, r));
  if (rng() < perChannel) return [draw(), draw(), draw()];
  const v = draw();
  return [v, v, v];
}
