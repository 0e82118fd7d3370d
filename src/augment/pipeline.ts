// The augmentation pipeline as plain data: a tree of augmenter descriptions with their parameter
// ranges. It can be printed (describePipeline), changed (updateAugmenters / removeAugmenters
// return modified copies), hashed (JSON), and applied with a seeded Rng (applyAugmenter).
import type { RgbImage } from '../image/decode';
import { type Rng, shuffle } from '../util/random';
import * as ops from './ops';
import { BORDER_MODES, type BorderMode } from './ops';
import {
  AugmentParamError,
  checkChoice,
  checkNumber,
  checkProbability,
  checkRange,
  pick,
  type Range,
  sample,
  sampleChannels,
  sampleInt,
} from './params';

export type { Range } from './params';

/** Probability (0..1) that a per-image coin makes the augmenter draw one value per channel. */
type PerChannel = number;

export type Augmenter =
  // containers
  | { type: 'Sequential'; randomOrder: boolean; children: Augmenter[]; name?: string }
  | { type: 'Sometimes'; p: number; child: Augmenter; name?: string }
  | { type: 'SomeOf'; n: Range; randomOrder: boolean; children: Augmenter[]; name?: string }
  | { type: 'OneOf'; children: Augmenter[]; name?: string }
  | { type: 'FrequencyNoiseAlpha'; exponent: Range; sizePx: Range; first: Augmenter; second: Augmenter; name?: string }
  // geometry
  | { type: 'Fliplr'; p: number; name?: string }
  | { type: 'CropAndPad'; percent: Range; padMode: BorderMode[]; padCval: Range; name?: string }
  | {
      type: 'Affine';
      scaleX: Range;
      scaleY: Range;
      translateX: Range;
      translateY: Range;
      rotate: Range;
      shear: Range;
      order: (0 | 1)[];
      mode: BorderMode[];
      cval: Range;
      name?: string;
    }
  // colour
  | { type: 'Grayscale'; alpha: Range; name?: string }
  | { type: 'Invert'; p: number; perChannel: PerChannel; name?: string }
  | { type: 'Add'; value: Range; perChannel: PerChannel; name?: string }
  | { type: 'Multiply'; mul: Range; perChannel: PerChannel; name?: string }
  | { type: 'ContrastNormalization'; alpha: Range; perChannel: PerChannel; name?: string }
  | { type: 'AddToHueAndSaturation'; value: Range; name?: string }
  | { type: 'AdditiveGaussianNoise'; loc: number; scale: Range; perChannel: PerChannel; name?: string }
  // filters
  | { type: 'GaussianBlur'; sigma: Range; name?: string }
  | { type: 'AverageBlur'; k: Range; name?: string }
  | { type: 'MedianBlur'; k: Range; name?: string }
  | { type: 'Sharpen'; alpha: Range; lightness: Range; name?: string }
  | { type: 'Emboss'; alpha: Range; strength: Range; name?: string };

export type AugmenterType = Augmenter['type'];
export type AugmenterOf<T extends AugmenterType> = Extract<Augmenter, { type: T }>;

/** Width x height every source frame is resized to before augmentation (the article's 100x56). */
export interface Size {
  width: number;
  height: number;
}
export const DEFAULT_SIZE: Size = { width: 100, height: 56 };

export function parseSize(text: string): Size {
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) < 8 || Number(m[2]) < 8)
    throw new Error(`size "${text}" is not WIDTHxHEIGHT with both at least 8, e.g. 100x56`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/**
 * The article's imgaug pipeline (Sequential with random_order=True). Every call returns a fresh
 * tree, so callers may change it freely.
 */
export function articlePipeline(): Augmenter {
  const sometimes = (child: Augmenter): Augmenter => ({ type: 'Sometimes', p: 0.5, child });
  return {
    type: 'Sequential',
    randomOrder: true,
    children: [
      { type: 'Fliplr', p: 0.5 },
      sometimes({ type: 'CropAndPad', percent: [-0.05, 0.1], padMode: [...BORDER_MODES], padCval: [0, 255] }),
      sometimes({
        type: 'Affine',
        scaleX: [0.8, 1.2],
        scaleY: [0.8, 1.2],
        translateX: [-0.1, 0.1],
        translateY: [-0.1, 0.1],
        rotate: [-5, 5],
        shear: [-5, 5],
        order: [0, 1],
        mode: [...BORDER_MODES],
        cval: [0, 255],
      }),
      { type: 'Grayscale', alpha: [0, 1] },
      { type: 'Invert', p: 0.05, perChannel: 0 },
      {
        type: 'SomeOf',
        n: [0, 5],
        randomOrder: true,
        children: [
          {
            type: 'OneOf',
            children: [
              { type: 'GaussianBlur', sigma: [0, 2] },
              { type: 'AverageBlur', k: [2, 5] },
              { type: 'MedianBlur', k: [3, 5] },
            ],
          },
          { type: 'Sharpen', alpha: [0, 1], lightness: [0.75, 1.5] },
          { type: 'Emboss', alpha: [0, 1], strength: [0, 2] },
          { type: 'AdditiveGaussianNoise', loc: 0, scale: [0, 0.01 * 255], perChannel: 0.5 },
          { type: 'Add', value: [-10, 10], perChannel: 0.5 },
          { type: 'AddToHueAndSaturation', value: [-20, 20] },
          {
            type: 'OneOf',
            children: [
              { type: 'Multiply', mul: [0.9, 1.1], perChannel: 0.5 },
              {
                type: 'FrequencyNoiseAlpha',
                exponent: [-2, 0],
                sizePx: [4, 16],
                first: { type: 'Multiply', mul: [0.9, 1.1], perChannel: 1 },
                second: { type: 'ContrastNormalization', alpha: [0.9, 1.1], perChannel: 0 },
              },
            ],
          },
          { type: 'ContrastNormalization', alpha: [0.5, 2.0], perChannel: 0.5 },
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------- validation

/** Throws AugmentParamError ("GaussianBlur: sigma must be >= 0, got -1") for the first bad parameter. */
export function validatePipeline(a: Augmenter): Augmenter {
  const t = a.type;
  switch (a.type) {
    case 'Sequential':
    case 'OneOf':
      if (!Array.isArray(a.children)) throw new AugmentParamError(t, 'children', 'must be a list of augmenters');
      if (a.type === 'OneOf' && a.children.length === 0)
        throw new AugmentParamError(t, 'children', 'must not be empty');
      a.children.forEach(validatePipeline);
      break;
    case 'SomeOf':
      if (!Array.isArray(a.children)) throw new AugmentParamError(t, 'children', 'must be a list of augmenters');
      checkRange(t, 'n', a.n, 0, Infinity, true);
      a.children.forEach(validatePipeline);
      break;
    case 'Sometimes':
      checkProbability(t, 'p', a.p);
      validatePipeline(a.child);
      break;
    case 'FrequencyNoiseAlpha':
      checkRange(t, 'exponent', a.exponent, -4, 4);
      checkRange(t, 'sizePx', a.sizePx, 2, 64, true);
      validatePipeline(a.first);
      validatePipeline(a.second);
      break;
    case 'Fliplr':
      checkProbability(t, 'p', a.p);
      break;
    case 'CropAndPad':
      checkRange(t, 'percent', a.percent, -1, 0.49);
      checkChoice(t, 'padMode', a.padMode, BORDER_MODES);
      checkRange(t, 'padCval', a.padCval, 0, 255, true);
      break;
    case 'Affine':
      checkRange(t, 'scaleX', a.scaleX, 0.01);
      checkRange(t, 'scaleY', a.scaleY, 0.01);
      checkRange(t, 'translateX', a.translateX, -1, 1);
      checkRange(t, 'translateY', a.translateY, -1, 1);
      checkRange(t, 'rotate', a.rotate, -360, 360);
      checkRange(t, 'shear', a.shear, -60, 60);
      checkChoice(t, 'order', a.order, [0, 1] as const);
      checkChoice(t, 'mode', a.mode, BORDER_MODES);
      checkRange(t, 'cval', a.cval, 0, 255, true);
      break;
    case 'Grayscale':
      checkRange(t, 'alpha', a.alpha, 0, 1);
      break;
    case 'Invert':
      checkProbability(t, 'p', a.p);
      checkProbability(t, 'perChannel', a.perChannel);
      break;
    case 'Add':
      checkRange(t, 'value', a.value, -255, 255, true);
      checkProbability(t, 'perChannel', a.perChannel);
      break;
    case 'Multiply':
      checkRange(t, 'mul', a.mul, 0);
      checkProbability(t, 'perChannel', a.perChannel);
      break;
    case 'ContrastNormalization':
      checkRange(t, 'alpha', a.alpha, 0);
      checkProbability(t, 'perChannel', a.perChannel);
      break;
    case 'AddToHueAndSaturation':
      checkRange(t, 'value', a.value, -255, 255, true);
      break;
    case 'AdditiveGaussianNoise':
      checkNumber(t, 'loc', a.loc, -255, 255);
      checkRange(t, 'scale', a.scale, 0);
      checkProbability(t, 'perChannel', a.perChannel);
      break;
    case 'GaussianBlur':
      checkRange(t, 'sigma', a.sigma, 0);
      break;
    case 'AverageBlur':
      checkRange(t, 'k', a.k, 1, 255, true);
      break;
    case 'MedianBlur':
      checkRange(t, 'k', a.k, 1, 255, true);
      break;
    case 'Sharpen':
      checkRange(t, 'alpha', a.alpha, 0, 1);
      checkRange(t, 'lightness', a.lightness, 0);
      break;
    case 'Emboss':
      checkRange(t, 'alpha', a.alpha, 0, 1);
      checkRange(t, 'strength', a.strength, 0);
      break;
    default: {
      const unknown: never = a;
      throw new Error(`unknown augmenter type ${JSON.stringify((unknown as { type: unknown }).type)}`);
    }
  }
  return a;
}

// ---------------------------------------------------------------- applying

function childrenOf(a: Augmenter): Augmenter[] {
  switch (a.type) {
    case 'Sequential':
    case 'SomeOf':
    case 'OneOf':
      return a.children;
    case 'Sometimes':
      return [a.child];
    case 'FrequencyNoiseAlpha':
      return [a.first, a.second];
    default:
      return [];
  }
}

/** Draws this augmenter's parameters from `rng` and applies it. The input image is not modified. */
export function applyAugmenter(a: Augmenter, img: RgbImage, rng: Rng): RgbImage {
  switch (a.type) {
    case 'Sequential': {
      const order = a.randomOrder ? shuffle(rng, [...a.children]) : a.children;
      return order.reduce((acc, child) => applyAugmenter(child, acc, rng), img);
    }
    case 'SomeOf': {
      const max = Math.min(a.n[1], a.children.length);
      const min = Math.min(a.n[0], max);
      const count = sampleInt(rng, [min, max]);
      const chosen = shuffle(
        rng,
        a.children.map((_, i) => i),
      ).slice(0, count);
      if (!a.randomOrder) chosen.sort((x, y) => x - y);
      return chosen.reduce((acc, i) => applyAugmenter(a.children[i], acc, rng), img);
    }
    case 'OneOf':
      return applyAugmenter(pick(rng, a.children), img, rng);
    case 'Sometimes':
      return rng() < a.p ? applyAugmenter(a.child, img, rng) : img;
    case 'FrequencyNoiseAlpha': {
      const mask = ops.frequencyNoiseMask(
        rng,
        img.width,
        img.height,
        sample(rng, a.exponent),
        sampleInt(rng, a.sizePx),
      );
      const first = applyAugmenter(a.first, img, rng);
      const second = applyAugmenter(a.second, img, rng);
      return ops.blend(first, second, mask);
    }
    case 'Fliplr':
      return rng() < a.p ? ops.fliplr(img) : img;
    case 'CropAndPad': {
      const { width: w, height: h } = img;
      const [top, right, bottom, left] = [h, w, h, w].map((dim) => sample(rng, a.percent) * dim);
      return ops.cropAndPad(img, [top, right, bottom, left], pick(rng, a.padMode), sampleInt(rng, a.padCval));
    }
    case 'Affine': {
      const params: ops.AffineParams = {
        scaleX: sample(rng, a.scaleX),
        scaleY: sample(rng, a.scaleY),
        translateX: sample(rng, a.translateX),
        translateY: sample(rng, a.translateY),
        rotate: sample(rng, a.rotate),
        shear: sample(rng, a.shear),
      };
      const order = pick(rng, a.order);
      const mode = pick(rng, a.mode);
      const cval: ops.Rgb = [sampleInt(rng, a.cval), sampleInt(rng, a.cval), sampleInt(rng, a.cval)];
      return ops.affine(img, params, order, mode, cval);
    }
    case 'Grayscale':
      return ops.grayscale(img, sample(rng, a.alpha));
    case 'Invert': {
      if (rng() < a.perChannel) {
        const ch: [boolean, boolean, boolean] = [rng() < a.p, rng() < a.p, rng() < a.p];
        return ch.some(Boolean) ? ops.invert(img, ch) : img;
      }
      return rng() < a.p ? ops.invert(img) : img;
    }
    case 'Add':
      return ops.addValues(img, sampleChannels(rng, a.value, a.perChannel, true));
    case 'Multiply':
      return ops.multiplyValues(img, sampleChannels(rng, a.mul, a.perChannel));
    case 'ContrastNormalization':
      return ops.contrast(img, sampleChannels(rng, a.alpha, a.perChannel));
    case 'AddToHueAndSaturation': {
      const v = sampleInt(rng, a.value);
      return ops.addToHueAndSaturation(img, v, v);
    }
    case 'AdditiveGaussianNoise': {
      const perChannel = rng() < a.perChannel;
      return ops.addGaussianNoise(img, rng, a.loc, sample(rng, a.scale), perChannel);
    }
    case 'GaussianBlur':
      return ops.gaussianBlur(img, sample(rng, a.sigma));
    case 'AverageBlur':
      return ops.averageBlur(img, sampleInt(rng, a.k));
    case 'MedianBlur': {
      const k = sampleInt(rng, a.k);
      return ops.medianBlur(img, k % 2 === 0 ? k + 1 : k);
    }
    case 'Sharpen':
      return ops.sharpen(img, sample(rng, a.alpha), sample(rng, a.lightness));
    case 'Emboss':
      return ops.emboss(img, sample(rng, a.alpha), sample(rng, a.strength));
  }
}

// ---------------------------------------------------------------- printing and changing

/** Parameters that are lists of choices, not ranges. */
const CHOICES = new Set(['order', 'mode', 'padMode']);

function fmt(key: string, v: unknown): string {
  if (CHOICES.has(key) && Array.isArray(v)) return v.join('|');
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return `${num(v[0])}..${num(v[1])}`;
  if (Array.isArray(v)) return v.join('|');
  if (typeof v === 'number') return num(v);
  return String(v);
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(4)));
}

const STRUCTURAL = new Set(['type', 'name', 'children', 'child', 'first', 'second']);

/** One line for the augmenter itself, e.g. "GaussianBlur sigma=0..2". */
export function describeAugmenter(a: Augmenter): string {
  const params = Object.entries(a)
    .filter(([k]) => !STRUCTURAL.has(k))
    .map(([k, v]) => (k === 'randomOrder' ? (v ? 'random order' : 'in order') : `${k}=${fmt(k, v)}`));
  const label = a.name ? `${a.type} "${a.name}"` : a.type;
  return params.length ? `${label} ${params.join(' ')}` : label;
}

/** A readable tree of the pipeline, one augmenter a line. */
export function describePipeline(a: Augmenter, size?: Size): string {
  const lines: string[] = [];
  if (size) lines.push(`Resize to ${size.width}x${size.height}, then:`);
  const walk = (node: Augmenter, prefix: string, childPrefix: string) => {
    lines.push(prefix + describeAugmenter(node));
    const kids = childrenOf(node);
    const labels = node.type === 'FrequencyNoiseAlpha' ? ['first: ', 'second: '] : kids.map(() => '');
    kids.forEach((kid, i) => {
      const last = i === kids.length - 1;
      walk(kid, `${childPrefix}${last ? '└─ ' : '├─ '}${labels[i]}`, `${childPrefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(a, '', '');
  return lines.join('\n');
}

/** Every node of the tree, depth first, with its path of child indices. */
export function listAugmenters(a: Augmenter): { path: number[]; augmenter: Augmenter }[] {
  const out: { path: number[]; augmenter: Augmenter }[] = [];
  const walk = (node: Augmenter, path: number[]) => {
    out.push({ path, augmenter: node });
    for (const [i, kid] of childrenOf(node).entries()) walk(kid, [...path, i]);
  };
  walk(a, []);
  return out;
}

/** A deep copy with `fn` applied bottom-up to every node; return null from `fn` to drop a node. */
export function mapPipeline(a: Augmenter, fn: (node: Augmenter) => Augmenter | null): Augmenter | null {
  const copy = structuredClone(a);
  const rec = (node: Augmenter): Augmenter | null => {
    switch (node.type) {
      case 'Sequential':
      case 'SomeOf':
      case 'OneOf':
        node.children = node.children.map(rec).filter((x): x is Augmenter => x !== null);
        break;
      case 'Sometimes': {
        const child = rec(node.child);
        if (!child) return fn({ type: 'Sequential', randomOrder: false, children: [] });
        node.child = child;
        break;
      }
      case 'FrequencyNoiseAlpha': {
        const first = rec(node.first) ?? { type: 'Sequential', randomOrder: false, children: [] };
        const second = rec(node.second) ?? { type: 'Sequential', randomOrder: false, children: [] };
        node.first = first;
        node.second = second;
        break;
      }
      default:
        break;
    }
    return fn(node);
  };
  return rec(copy);
}

function matches(node: Augmenter, typeOrName: string): boolean {
  return node.type === typeOrName || node.name === typeOrName;
}

/**
 * A validated copy in which every augmenter of the given type (or name) gets `patch` merged in,
 * e.g. updateAugmenters(p, 'GaussianBlur', { sigma: [0, 3] }).
 */
export function updateAugmenters<T extends AugmenterType>(
  a: Augmenter,
  typeOrName: T | string,
  patch: Partial<Omit<AugmenterOf<T>, 'type'>>,
): Augmenter {
  let found = false;
  const res = mapPipeline(a, (node) => {
    if (!matches(node, typeOrName)) return node;
    found = true;
    return { ...node, ...patch } as Augmenter;
  });
  if (!found) throw new Error(`no augmenter "${typeOrName}" in the pipeline`);
  return validatePipeline(res as Augmenter);
}

/** A copy without the augmenters of the given type (or name); a Sometimes around one becomes a no-op. */
export function removeAugmenters(a: Augmenter, typeOrName: string): Augmenter {
  const res = mapPipeline(a, (node) => (matches(node, typeOrName) ? null : node));
  return res ?? { type: 'Sequential', randomOrder: false, children: [] };
}

/**
 * The augmenters that change pixels themselves (a FrequencyNoiseAlpha counts as one), in tree
 * order: what a notebook shows one at a time.
 */
export function leafAugmenters(a: Augmenter): Augmenter[] {
  const out: Augmenter[] = [];
  const walk = (node: Augmenter) => {
    if (node.type === 'Sequential' || node.type === 'SomeOf' || node.type === 'OneOf' || node.type === 'Sometimes') {
      childrenOf(node).forEach(walk);
    } else {
      out.push(node);
    }
  };
  walk(a);
  return out;
}
