// One source frame -> its augmented variants, reproducibly: variant v of a frame draws all its
// random choices from mulberry32(hash(seed, sha256 of the source bytes, v)), so the bytes depend
// only on (seed, source, variant, pipeline, size), never on order, timing or concurrency.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { decodeImage, type RgbImage } from '../image/decode';
import { mulberry32, type Rng } from '../util/random';
import { type Augmenter, applyAugmenter, articlePipeline, DEFAULT_SIZE, type Size } from './pipeline';

/** Bump when any augmenter's output changes for the same parameters: invalidates cached variants. */
export const AUGMENT_VERSION = 1;
export const DEFAULT_JPEG_QUALITY = 90;

/** The 32-bit seed of variant `variant` of the source identified by `sourceId` (its sha256). */
export function variantSeed(seed: number, sourceId: string, variant: number): number {
  return createHash('sha256').update(`kombat-augment/${seed}/${sourceId}/${variant}`).digest().readUInt32LE(0);
}

export function variantRng(seed: number, sourceId: string, variant: number): Rng {
  return mulberry32(variantSeed(seed, sourceId, variant));
}

/** Applies the pipeline (the article's by default) with random choices from `rng`. */
export function augmentImage(img: RgbImage, rng: Rng, pipeline: Augmenter = articlePipeline()): RgbImage {
  return applyAugmenter(pipeline, img, rng);
}

export interface VariantOptions {
  seed: number;
  /** Identity of the source, normally the sha256 of its file bytes. */
  sourceId: string;
  pipeline?: Augmenter;
}

/** Variant `variant` of an already resized frame. */
export function augmentVariant(img: RgbImage, variant: number, opts: VariantOptions): RgbImage {
  return augmentImage(img, variantRng(opts.seed, opts.sourceId, variant), opts.pipeline);
}

/** Variants 0..count-1 of an already resized frame. */
export function augmentVariants(img: RgbImage, count: number, opts: VariantOptions): RgbImage[] {
  return Array.from({ length: count }, (_, v) => augmentVariant(img, v, opts));
}

/**
 * How a frame is resized before augmentation: to a fixed size, or keeping its own aspect with its
 * shorter side `shortSide` pixels. A model is trained on the augmented variants and the original
 * frames alike, so the variants must show people in the originals' proportions.
 */
export type SizePolicy = Size | { shortSide: number };

/** The default: each frame's own aspect at the article's 56 px (16:9 becomes its 100x56, 9:16 becomes 56x100). */
export const KEEP_ASPECT: SizePolicy = { shortSide: DEFAULT_SIZE.height };

/** The size a `width` x `height` frame is resized to under `policy`. */
export function frameSize(policy: SizePolicy, width: number, height: number): Size {
  if (!('shortSide' in policy)) return policy;
  const k = policy.shortSide / Math.min(width, height);
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

export function describeSize(policy: SizePolicy): string {
  return 'shortSide' in policy
    ? `each frame's own aspect, shorter side ${policy.shortSide} px`
    : `${policy.width}x${policy.height}`;
}

/** Resize ignoring aspect ratio (as the article's imresize to 56x100), with sharp's anti-aliased lanczos3. */
export async function resizeImage(img: RgbImage, size: Size = DEFAULT_SIZE): Promise<RgbImage> {
  if (img.width === size.width && img.height === size.height) return img;
  const data = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(size.width, size.height, { fit: 'fill' })
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: size.width, height: size.height };
}

/** Decode file bytes (any format sharp reads) and resize by `size`; ImageError names the file. */
export async function loadFrame(bytes: Uint8Array, name: string, size: SizePolicy = KEEP_ASPECT): Promise<RgbImage> {
  const image = await decodeImage(bytes, name);
  return resizeImage(image, frameSize(size, image.width, image.height));
}

/**
 * JPEG via sharp (libvips + mozjpeg, 4:2:0): byte-identical for the same pixels with the same
 * sharp build (checked by the tests), ~0.6 ms for 100x56, where jpeg-js takes ~25 ms because it
 * rebuilds its tables on every call. ENCODER_ID goes into the cache keys, so a different libvips
 * re-encodes instead of mixing encoders.
 */
export async function encodeJpeg(img: RgbImage, quality = DEFAULT_JPEG_QUALITY): Promise<Uint8Array> {
  const data = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

const { versions } = sharp;
export const ENCODER_ID = `sharp ${versions.sharp} vips ${versions.vips} mozjpeg ${versions.mozjpeg ?? '?'}`;
