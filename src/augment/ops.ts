// Pixel operations behind the augmenters: plain functions over interleaved RGB images with their
// parameters already drawn. Each returns a new image and never touches its input. Results are
// rounded and clamped through Uint8ClampedArray (round half to even), so they are byte-exact
// on every run and machine.
import type { RgbImage } from '../image/decode';
import type { Rng } from '../util/random';
import { AugmentParamError, checkInt, checkNumber, checkProbability, gaussian } from './params';

export type Rgb = readonly [number, number, number];
export type Triple = [number, number, number];

/** How pixels outside the image are made up (numpy/scikit-image names). */
export const BORDER_MODES = ['constant', 'edge', 'reflect', 'symmetric', 'wrap'] as const;
export type BorderMode = (typeof BORDER_MODES)[number];

export function blankImage(width: number, height: number): RgbImage {
  return { data: new Uint8Array(width * height * 3), width, height };
}

export function cloneImage(img: RgbImage): RgbImage {
  return { data: new Uint8Array(img.data), width: img.width, height: img.height };
}

function checkImage(img: RgbImage): void {
  if (img.data.length !== img.width * img.height * 3) {
    throw new Error(`image: ${img.data.length} bytes do not hold ${img.width}x${img.height} RGB pixels`);
  }
}

/** A writable clamped view of a fresh output buffer, and the image that owns it. */
function output(width: number, height: number): { img: RgbImage; out: Uint8ClampedArray } {
  const img = blankImage(width, height);
  return { img, out: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length) };
}

/** Index inside 0..n-1 for a coordinate outside it, or -1 for 'constant'. */
export function borderIndex(i: number, n: number, mode: BorderMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'edge':
      return i < 0 ? 0 : n - 1;
    case 'wrap':
      return ((i % n) + n) % n;
    case 'reflect': {
      // d c b | a b c d | c b a (edge pixel not repeated)
      if (n === 1) return 0;
      const period = 2 * n - 2;
      const m = ((i % period) + period) % period;
      return m < n ? m : period - m;
    }
    case 'symmetric': {
      // c b a | a b c d | d c b (edge pixel repeated)
      const period = 2 * n;
      const m = ((i % period) + period) % period;
      return m < n ? m : period - 1 - m;
    }
  }
}

// ---------------------------------------------------------------- geometry

export function fliplr(img: RgbImage): RgbImage {
  checkImage(img);
  const { width: w, height: h, data } = img;
  const res = blankImage(w, h);
  for (let y = 0; y < h; y++) {
    const row = y * w * 3;
    for (let x = 0; x < w; x++) {
      const s = row + x * 3;
      const d = row + (w - 1 - x) * 3;
      res.data[d] = data[s];
      res.data[d + 1] = data[s + 1];
      res.data[d + 2] = data[s + 2];
    }
  }
  return res;
}

/** Bilinear resize with pixel centres aligned (like cv2.INTER_LINEAR). */
export function resizeBilinear(img: RgbImage, width: number, height: number): RgbImage {
  checkImage(img);
  checkInt('resize', 'width', width, 1);
  checkInt('resize', 'height', height, 1);
  if (width === img.width && height === img.height) return cloneImage(img);
  const { img: res, out } = output(width, height);
  const sx = img.width / width;
  const sy = img.height / height;
  const src = img.data;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const wx = fx - x0;
      const a = (y0 * img.width + x0) * 3;
      const b = (y0 * img.width + x1) * 3;
      const c = (y1 * img.width + x0) * 3;
      const d = (y1 * img.width + x1) * 3;
      const o = (y * width + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src[a + ch] + (src[b + ch] - src[a + ch]) * wx;
        const bottom = src[c + ch] + (src[d + ch] - src[c + ch]) * wx;
        out[o + ch] = top + (bottom - top) * wy;
      }
    }
  }
  return res;
}

/**
 * Crop (positive) or pad (negative) each side by a number of pixels, then resize back to the
 * original size. Sides are [top, right, bottom, left].
 */
export function cropAndPad(
  img: RgbImage,
  sides: readonly [number, number, number, number],
  mode: BorderMode,
  cval: number,
): RgbImage {
  checkImage(img);
  const [top, right, bottom, left] = sides.map((v) => Math.round(v));
  const w = img.width - left - right;
  const h = img.height - top - bottom;
  if (w < 1 || h < 1)
    throw new AugmentParamError('CropAndPad', 'percent', `crops away the whole ${img.width}x${img.height} image`);
  const { img: mid, out } = output(w, h);
  for (let y = 0; y < h; y++) {
    const sy = borderIndex(y + top, img.height, mode);
    for (let x = 0; x < w; x++) {
      const sx = borderIndex(x + left, img.width, mode);
      const o = (y * w + x) * 3;
      if (sx < 0 || sy < 0) {
        out[o] = out[o + 1] = out[o + 2] = cval;
      } else {
        const s = (sy * img.width + sx) * 3;
        out[o] = img.data[s];
        out[o + 1] = img.data[s + 1];
        out[o + 2] = img.data[s + 2];
      }
    }
  }
  return resizeBilinear(mid, img.width, img.height);
}

export interface AffineParams {
  scaleX: number;
  scaleY: number;
  /** Fractions of the width / height. */
  translateX: number;
  translateY: number;
  /** Degrees. */
  rotate: number;
  shear: number;
}

export const IDENTITY_AFFINE: AffineParams = {
  scaleX: 1,
  scaleY: 1,
  translateX: 0,
  translateY: 0,
  rotate: 0,
  shear: 0,
};

/**
 * Scale, shear and rotate about the image centre, then translate (scikit-image's
 * AffineTransform convention, as imgaug uses). Inverse mapping: each output pixel samples the
 * source with nearest-neighbour (order 0) or bilinear (order 1) interpolation.
 */
export function affine(img: RgbImage, p: AffineParams, order: 0 | 1, mode: BorderMode, cval: Rgb): RgbImage {
  checkImage(img);
  const { width: w, height: h, data } = img;
  const r = (p.rotate * Math.PI) / 180;
  const s = (p.shear * Math.PI) / 180;
  // forward matrix A = [[a, b], [c, d]]
  const a = p.scaleX * Math.cos(r);
  const b = -p.scaleY * Math.sin(r + s);
  const c = p.scaleX * Math.sin(r);
  const d = p.scaleY * Math.cos(r + s);
  const det = a * d - b * c;
  if (Math.abs(det) < 1e-12) throw new AugmentParamError('Affine', 'scale', 'makes the transform singular');
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const tx = p.translateX * w;
  const ty = p.translateY * h;
  const { img: res, out } = output(w, h);
  const px = (ix: number, iy: number, ch: number): number => {
    const xx = borderIndex(ix, w, mode);
    const yy = borderIndex(iy, h, mode);
    return xx < 0 || yy < 0 ? cval[ch] : data[(yy * w + xx) * 3 + ch];
  };
  for (let y = 0; y < h; y++) {
    const dy = y - cy - ty;
    for (let x = 0; x < w; x++) {
      const dx = x - cx - tx;
      const u = cx + ia * dx + ib * dy;
      const v = cy + ic * dx + id * dy;
      const o = (y * w + x) * 3;
      if (order === 0) {
        const ix = Math.round(u);
        const iy = Math.round(v);
        for (let ch = 0; ch < 3; ch++) out[o + ch] = px(ix, iy, ch);
      } else {
        const x0 = Math.floor(u);
        const y0 = Math.floor(v);
        const fx = u - x0;
        const fy = v - y0;
        for (let ch = 0; ch < 3; ch++) {
          const top = px(x0, y0, ch) * (1 - fx) + px(x0 + 1, y0, ch) * fx;
          const bottom = px(x0, y0 + 1, ch) * (1 - fx) + px(x0 + 1, y0 + 1, ch) * fx;
          out[o + ch] = top * (1 - fy) + bottom * fy;
        }
      }
    }
  }
  return res;
}

// ---------------------------------------------------------------- colour

/** v -> 255 - v in the channels marked true. */
export function invert(img: RgbImage, channels: readonly [boolean, boolean, boolean] = [true, true, true]): RgbImage {
  checkImage(img);
  const res = cloneImage(img);
  const d = res.data;
  for (let i = 0; i < d.length; i += 3) {
    if (channels[0]) d[i] = 255 - d[i];
    if (channels[1]) d[i + 1] = 255 - d[i + 1];
    if (channels[2]) d[i + 2] = 255 - d[i + 2];
  }
  return res;
}

/** Per-channel linear map v -> v * mul + add, clamped. */
function linear(img: RgbImage, mul: Rgb, add: Rgb): RgbImage {
  checkImage(img);
  const { img: res, out } = output(img.width, img.height);
  const src = img.data;
  for (let i = 0; i < src.length; i += 3) {
    out[i] = src[i] * mul[0] + add[0];
    out[i + 1] = src[i + 1] * mul[1] + add[1];
    out[i + 2] = src[i + 2] * mul[2] + add[2];
  }
  return res;
}

export function addValues(img: RgbImage, values: Rgb): RgbImage {
  return linear(img, [1, 1, 1], values);
}

export function multiplyValues(img: RgbImage, factors: Rgb): RgbImage {
  return linear(img, factors, [0, 0, 0]);
}

/** imgaug's ContrastNormalization (linear contrast): v -> 128 + alpha * (v - 128). */
export function contrast(img: RgbImage, alphas: Rgb): RgbImage {
  return linear(img, alphas, [128 - 128 * alphas[0], 128 - 128 * alphas[1], 128 - 128 * alphas[2]]);
}

/** Blend towards luminance (ITU-R BT.601, as OpenCV's RGB2GRAY): alpha 0 = unchanged, 1 = grey. */
export function grayscale(img: RgbImage, alpha: number): RgbImage {
  checkImage(img);
  checkProbability('Grayscale', 'alpha', alpha);
  const { img: res, out } = output(img.width, img.height);
  const src = img.data;
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i];
    const g = src[i + 1];
    const b = src[i + 2];
    const grey = 0.299 * r + 0.587 * g + 0.114 * b;
    out[i] = r + (grey - r) * alpha;
    out[i + 1] = g + (grey - g) * alpha;
    out[i + 2] = b + (grey - b) * alpha;
  }
  return res;
}

/**
 * Shift hue and saturation in OpenCV's 8-bit HSV units (hue 0..180 for a full turn, saturation
 * 0..255), as imgaug's AddToHueAndSaturation does; hue wraps, saturation clamps.
 */
export function addToHueAndSaturation(img: RgbImage, hue: number, saturation: number): RgbImage {
  checkImage(img);
  const { img: res, out } = output(img.width, img.height);
  const src = img.data;
  const dh = hue * 2; // degrees
  const ds = saturation / 255;
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i] / 255;
    const g = src[i + 1] / 255;
    const b = src[i + 2] / 255;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const delta = max - min;
    let h = 0;
    if (delta > 0) {
      if (max === r) h = 60 * (((g - b) / delta + 6) % 6);
      else if (max === g) h = 60 * ((b - r) / delta + 2);
      else h = 60 * ((r - g) / delta + 4);
    }
    let s = max === 0 ? 0 : delta / max;
    const v = max;
    h = (((h + dh) % 360) + 360) % 360;
    s = Math.min(1, Math.max(0, s + ds));
    const cc = v * s;
    const xx = cc * (1 - Math.abs(((h / 60) % 2) - 1));
    const m = v - cc;
    let rr = 0;
    let gg = 0;
    let bb = 0;
    if (h < 60) [rr, gg, bb] = [cc, xx, 0];
    else if (h < 120) [rr, gg, bb] = [xx, cc, 0];
    else if (h < 180) [rr, gg, bb] = [0, cc, xx];
    else if (h < 240) [rr, gg, bb] = [0, xx, cc];
    else if (h < 300) [rr, gg, bb] = [xx, 0, cc];
    else [rr, gg, bb] = [cc, 0, xx];
    out[i] = (rr + m) * 255;
    out[i + 1] = (gg + m) * 255;
    out[i + 2] = (bb + m) * 255;
  }
  return res;
}

/** Adds N(loc, scale^2) noise to every pixel: one draw per pixel, or one per channel. */
export function addGaussianNoise(img: RgbImage, rng: Rng, loc: number, scale: number, perChannel: boolean): RgbImage {
  checkImage(img);
  checkNumber('AdditiveGaussianNoise', 'scale', scale, 0);
  const { img: res, out } = output(img.width, img.height);
  const src = img.data;
  for (let i = 0; i < src.length; i += 3) {
    if (perChannel) {
      out[i] = src[i] + loc + scale * gaussian(rng);
      out[i + 1] = src[i + 1] + loc + scale * gaussian(rng);
      out[i + 2] = src[i + 2] + loc + scale * gaussian(rng);
    } else {
      const n = loc + scale * gaussian(rng);
      out[i] = src[i] + n;
      out[i + 1] = src[i + 1] + n;
      out[i + 2] = src[i + 2] + n;
    }
  }
  return res;
}

// ---------------------------------------------------------------- filters

/** Separable 1-D convolution along x then y, mirrored borders; `kernel[offset + k]` weights tap k. */
function separable(img: RgbImage, kx: Float64Array, ox: number, ky: Float64Array, oy: number): RgbImage {
  const { width: w, height: h, data } = img;
  const tmp = new Float64Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < kx.length; k++) {
        const s = (y * w + borderIndex(x + k - ox, w, 'reflect')) * 3;
        r += kx[k] * data[s];
        g += kx[k] * data[s + 1];
        b += kx[k] * data[s + 2];
      }
      const o = (y * w + x) * 3;
      tmp[o] = r;
      tmp[o + 1] = g;
      tmp[o + 2] = b;
    }
  }
  const { img: res, out } = output(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < ky.length; k++) {
        const s = (borderIndex(y + k - oy, h, 'reflect') * w + x) * 3;
        r += ky[k] * tmp[s];
        g += ky[k] * tmp[s + 1];
        b += ky[k] * tmp[s + 2];
      }
      const o = (y * w + x) * 3;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  return res;
}

/** Gaussian blur, kernel truncated at 4 sigma (as scipy's gaussian_filter); sigma < 0.01 is a no-op. */
export function gaussianBlur(img: RgbImage, sigma: number): RgbImage {
  checkImage(img);
  checkNumber('GaussianBlur', 'sigma', sigma, 0);
  if (sigma < 0.01) return cloneImage(img);
  const radius = Math.max(1, Math.floor(4 * sigma + 0.5));
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return separable(img, k, radius, k, radius);
}

/** Box blur with a k x k window (anchor at k/2, as cv2.blur, so even sizes lean up-left). */
export function averageBlur(img: RgbImage, k: number): RgbImage {
  checkImage(img);
  checkInt('AverageBlur', 'k', k, 1);
  if (k === 1) return cloneImage(img);
  const kernel = new Float64Array(k).fill(1 / k);
  return separable(img, kernel, Math.floor(k / 2), kernel, Math.floor(k / 2));
}

/** Median of the k x k neighbourhood per channel (k odd), replicated borders (as cv2.medianBlur). */
export function medianBlur(img: RgbImage, k: number): RgbImage {
  checkImage(img);
  checkInt('MedianBlur', 'k', k, 1);
  if (k % 2 === 0) throw new AugmentParamError('MedianBlur', 'k', `must be odd, got ${k}`);
  if (k === 1) return cloneImage(img);
  const { width: w, height: h, data } = img;
  const res = blankImage(w, h);
  const r = (k - 1) / 2;
  const win = new Uint8Array(k * k);
  const mid = (k * k - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < 3; ch++) {
        let n = 0;
        for (let dy = -r; dy <= r; dy++) {
          const yy = borderIndex(y + dy, h, 'edge');
          for (let dx = -r; dx <= r; dx++) {
            const v = data[(yy * w + borderIndex(x + dx, w, 'edge')) * 3 + ch];
            // insertion sort as we go
            let j = n++;
            while (j > 0 && win[j - 1] > v) {
              win[j] = win[j - 1];
              j--;
            }
            win[j] = v;
          }
        }
        res.data[(y * w + x) * 3 + ch] = win[mid];
      }
    }
  }
  return res;
}

/** 3x3 convolution (row-major kernel), mirrored borders, as cv2.filter2D. */
export function convolve3x3(img: RgbImage, kernel: readonly number[]): RgbImage {
  checkImage(img);
  if (kernel.length !== 9) throw new Error(`convolve3x3: kernel must have 9 entries, got ${kernel.length}`);
  const { width: w, height: h, data } = img;
  const { img: res, out } = output(w, h);
  for (let y = 0; y < h; y++) {
    const rows = [borderIndex(y - 1, h, 'reflect'), y, borderIndex(y + 1, h, 'reflect')];
    for (let x = 0; x < w; x++) {
      const cols = [borderIndex(x - 1, w, 'reflect'), x, borderIndex(x + 1, w, 'reflect')];
      let r = 0;
      let g = 0;
      let b = 0;
      for (let j = 0; j < 3; j++) {
        for (let i = 0; i < 3; i++) {
          const kv = kernel[j * 3 + i];
          if (kv === 0) continue;
          const s = (rows[j] * w + cols[i]) * 3;
          r += kv * data[s];
          g += kv * data[s + 1];
          b += kv * data[s + 2];
        }
      }
      const o = (y * w + x) * 3;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  return res;
}

const IDENTITY3 = [0, 0, 0, 0, 1, 0, 0, 0, 0];

function mix(alpha: number, effect: number[]): number[] {
  return IDENTITY3.map((v, i) => (1 - alpha) * v + alpha * effect[i]);
}

/** imgaug's Sharpen kernel: identity blended with [[-1,-1,-1],[-1,8+lightness,-1],[-1,-1,-1]]. */
export function sharpenKernel(alpha: number, lightness: number): number[] {
  checkProbability('Sharpen', 'alpha', alpha);
  checkNumber('Sharpen', 'lightness', lightness, 0);
  return mix(alpha, [-1, -1, -1, -1, 8 + lightness, -1, -1, -1, -1]);
}

/** imgaug's Emboss kernel: identity blended with [[-1-s,-s,0],[-s,1,s],[0,s,1+s]]. */
export function embossKernel(alpha: number, strength: number): number[] {
  checkProbability('Emboss', 'alpha', alpha);
  checkNumber('Emboss', 'strength', strength, 0);
  const s = strength;
  return mix(alpha, [-1 - s, -s, 0, -s, 1, s, 0, s, 1 + s]);
}

export function sharpen(img: RgbImage, alpha: number, lightness: number): RgbImage {
  return convolve3x3(img, sharpenKernel(alpha, lightness));
}

export function emboss(img: RgbImage, alpha: number, strength: number): RgbImage {
  return convolve3x3(img, embossKernel(alpha, strength));
}

// ---------------------------------------------------------------- masks

/**
 * A width x height mask in 0..1 of coloured noise: random complex spectrum on a small
 * `size` x `size` grid weighted by frequency^exponent (0 = white noise, -2 = smooth blobs),
 * inverse DFT, min-max normalised, bilinear-upscaled.
 */
export function frequencyNoiseMask(
  rng: Rng,
  width: number,
  height: number,
  exponent: number,
  size: number,
): Float32Array {
  checkInt('FrequencyNoiseAlpha', 'size', size, 2);
  const n = size;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let v = 0; v < n; v++) {
    for (let u = 0; u < n; u++) {
      const fu = Math.min(u, n - u);
      const fv = Math.min(v, n - v);
      const f = Math.sqrt(fu * fu + fv * fv);
      const weight = f === 0 ? 0 : f ** exponent;
      re[v * n + u] = gaussian(rng) * weight;
      im[v * n + u] = gaussian(rng) * weight;
    }
  }
  // inverse DFT, separable: rows then columns (n is at most a few dozen)
  const tr = new Float64Array(n * n);
  const ti = new Float64Array(n * n);
  for (let v = 0; v < n; v++) {
    for (let x = 0; x < n; x++) {
      let sr = 0;
      let si = 0;
      for (let u = 0; u < n; u++) {
        const a = (2 * Math.PI * u * x) / n;
        const cr = Math.cos(a);
        const ci = Math.sin(a);
        sr += re[v * n + u] * cr - im[v * n + u] * ci;
        si += re[v * n + u] * ci + im[v * n + u] * cr;
      }
      tr[v * n + x] = sr;
      ti[v * n + x] = si;
    }
  }
  const small = new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let sr = 0;
      for (let v = 0; v < n; v++) {
        const a = (2 * Math.PI * v * y) / n;
        sr += tr[v * n + x] * Math.cos(a) - ti[v * n + x] * Math.sin(a);
      }
      small[y * n + x] = sr;
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of small) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo || 1;
  const mask = new Float32Array(width * height);
  const sx = n / width;
  const sy = n / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), n - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, n - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), n - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, n - 1);
      const wx = fx - x0;
      const top = small[y0 * n + x0] * (1 - wx) + small[y0 * n + x1] * wx;
      const bottom = small[y1 * n + x0] * (1 - wx) + small[y1 * n + x1] * wx;
      mask[y * width + x] = (top * (1 - wy) + bottom * wy - lo) / span;
    }
  }
  return mask;
}

/** Per-pixel alpha blend: mask * a + (1 - mask) * b. */
export function blend(a: RgbImage, b: RgbImage, mask: Float32Array): RgbImage {
  checkImage(a);
  checkImage(b);
  if (a.width !== b.width || a.height !== b.height || mask.length !== a.width * a.height) {
    throw new Error('blend: images and mask differ in size');
  }
  const { img: res, out } = output(a.width, a.height);
  for (let p = 0; p < mask.length; p++) {
    const m = mask[p];
    for (let ch = 0; ch < 3; ch++) {
      const i = p * 3 + ch;
      out[i] = a.data[i] * m + b.data[i] * (1 - m);
    }
  }
  return res;
}
