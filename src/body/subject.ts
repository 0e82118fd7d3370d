// Who is in the picture: body proportions and style (hair, clothes, shoes), and the skeleton
// (bone lengths, limb radii in metres) derived from them. Pure data, no Node imports.
import { mulberry32, type Rng, range } from '../util/random';

export type Build = 'slim' | 'average' | 'athletic' | 'heavy';
export type HairStyle = 'bald' | 'buzz' | 'short' | 'curly' | 'long' | 'ponytail' | 'bun';
export type Pattern = 'plain' | 'stripes' | 'checks';
export type TopKind = 'tshirt' | 'longsleeve' | 'hoodie' | 'tank';
export type BottomKind = 'trousers' | 'shorts' | 'leggings';
export type ShoeKind = 'sneakers' | 'boots' | 'socks';

export interface Garment<K extends string> {
  kind: K;
  colour: string;
  pattern: Pattern;
  /** Colour of stripes / checks (ignored when plain). */
  patternColour: string;
}

export interface BodyStyle {
  /** Standing height in metres. */
  height: number;
  build: Build;
  /** Multipliers around 1 for leg length, arm length, shoulder width, hip width, head size. */
  legRatio: number;
  armRatio: number;
  shoulderRatio: number;
  hipRatio: number;
  headRatio: number;
  skin: string;
  hair: { style: HairStyle; colour: string };
  top: Garment<TopKind>;
  bottom: Garment<BottomKind>;
  shoes: { kind: ShoeKind; colour: string };
}

export interface Subject extends BodyStyle {
  /** e.g. "s01". */
  id: string;
}

/** Bone lengths and radii in metres. */
export interface Skeleton {
  height: number;
  head: { height: number; width: number };
  neck: number;
  spine: number;
  shoulderHalf: number;
  hipHalf: number;
  chestDepth: number;
  waistHalf: number;
  upperArm: number;
  forearm: number;
  hand: number;
  thigh: number;
  shin: number;
  ankle: number;
  foot: number;
  radius: {
    neck: number;
    upperArm: [number, number];
    forearm: [number, number];
    hand: number;
    thigh: [number, number];
    shin: [number, number];
    foot: number;
  };
}

const BUILD_GIRTH: Record<Build, number> = { slim: 0.85, average: 1, athletic: 1.08, heavy: 1.25 };

export function skeletonOf(style: BodyStyle): Skeleton {
  const H = style.height;
  const g = BUILD_GIRTH[style.build];
  const head = { height: 0.128 * H * style.headRatio, width: 0.092 * H * style.headRatio };
  const leg = 0.49 * H * style.legRatio;
  const arm = 0.345 * H * style.armRatio;
  const thigh = leg * 0.51;
  const shin = leg * 0.49;
  const ankle = 0.04 * H;
  const neck = 0.045 * H;
  // The rest of the height is the spine (pelvis joint to base of neck).
  const spine = H - head.height - neck - leg - ankle;
  return {
    height: H,
    head,
    neck,
    spine,
    shoulderHalf: 0.112 * H * style.shoulderRatio * (0.9 + 0.1 * g),
    hipHalf: 0.052 * H * style.hipRatio * (0.85 + 0.15 * g),
    chestDepth: 0.062 * H * g,
    waistHalf: 0.085 * H * style.hipRatio * g,
    upperArm: arm * 0.54,
    forearm: arm * 0.46,
    hand: 0.055 * H,
    thigh,
    shin,
    ankle,
    foot: 0.145 * H,
    radius: {
      neck: 0.028 * H * g,
      upperArm: [0.03 * H * g, 0.024 * H * g],
      forearm: [0.023 * H * g, 0.017 * H * g],
      hand: 0.022 * H,
      thigh: [0.052 * H * g, 0.034 * H * g],
      shin: [0.034 * H * g, 0.022 * H * g],
      foot: 0.022 * H,
    },
  };
}

export const SKIN_TONES = ['#f6d7c3', '#eac4a6', '#e0ac8a', '#c68863', '#a86b45', '#8d5524', '#6b4226', '#4a2c1b'];
export const HAIR_COLOURS = [
  '#1b1410',
  '#2e1f16',
  '#4e3322',
  '#7a5232',
  '#a8773f',
  '#d8b56a',
  '#8c3b1e',
  '#9a9a9a',
  '#d9d4cc',
];
const GARMENT_COLOURS = [
  '#c0392b',
  '#e74c3c',
  '#2e86c1',
  '#1f3a93',
  '#27ae60',
  '#145a32',
  '#f1c40f',
  '#e67e22',
  '#8e44ad',
  '#f5f5f0',
  '#1c1c1c',
  '#7f8c8d',
  '#34495e',
  '#d35400',
  '#16a085',
  '#b03a6c',
  '#6d4c41',
  '#9fb7d9',
  '#556b2f',
  '#c8b28a',
  '#ff8fab',
  '#3d5a80',
];
const TROUSER_COLOURS = [
  '#1f2a44',
  '#2c3e50',
  '#3b5b8c',
  '#4a4a4a',
  '#1c1c1c',
  '#6d5c43',
  '#8a7b5c',
  '#556b2f',
  '#7f8c8d',
  '#5d2e46',
  '#b9a27a',
];
const SHOE_COLOURS = ['#f2f2f2', '#1c1c1c', '#7b4a2a', '#c0392b', '#2e86c1', '#9a9a9a', '#e8d8b0'];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}
function pickOther(rng: Rng, items: readonly string[], not: string): string {
  const rest = items.filter((c) => c !== not);
  return pick(rng, rest);
}

function garment<K extends string>(
  rng: Rng,
  kinds: readonly K[],
  colours: readonly string[],
  patternOdds: number,
): Garment<K> {
  const colour = pick(rng, colours);
  const r = rng();
  const pattern: Pattern = r < patternOdds * 0.6 ? 'stripes' : r < patternOdds ? 'checks' : 'plain';
  return { kind: pick(rng, kinds), colour, pattern, patternColour: pickOther(rng, GARMENT_COLOURS, colour) };
}

/** A random person. Same rng state, same person. */
export function randomSubject(rng: Rng, id: string): Subject {
  const build = pick(rng, ['slim', 'average', 'average', 'athletic', 'heavy'] as const);
  const style = pick(rng, ['bald', 'buzz', 'short', 'short', 'curly', 'long', 'long', 'ponytail', 'bun'] as const);
  return {
    id,
    height: range(rng, 1.52, 1.95),
    build,
    legRatio: range(rng, 0.94, 1.06),
    armRatio: range(rng, 0.95, 1.05),
    shoulderRatio: range(rng, 0.88, 1.12),
    hipRatio: range(rng, 0.9, 1.15),
    headRatio: range(rng, 0.94, 1.06),
    skin: pick(rng, SKIN_TONES),
    hair: { style, colour: pick(rng, HAIR_COLOURS) },
    top: garment(rng, ['tshirt', 'tshirt', 'longsleeve', 'hoodie', 'tank'] as const, GARMENT_COLOURS, 0.45),
    bottom: garment(rng, ['trousers', 'trousers', 'shorts', 'leggings'] as const, TROUSER_COLOURS, 0.15),
    shoes: { kind: pick(rng, ['sneakers', 'sneakers', 'boots', 'socks'] as const), colour: pick(rng, SHOE_COLOURS) },
  };
}

/** Subjects s01..sNN, each from its own stream so adding subjects does not change earlier ones. */
export function randomSubjects(count: number, seed: number): Subject[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `s${String(i + 1).padStart(2, '0')}`;
    return randomSubject(mulberry32((seed * 7919 + (i + 1) * 104729) >>> 0), id);
  });
}
