// Node-side image decoding: any format sharp reads (JPEG incl. CMYK and grayscale, PNG, WebP, ...)
// becomes 8-bit sRGB, 3 channels, EXIF orientation applied. The browser uses canvas pixels instead;
// both then go through src/preprocess.ts.
import { promises as fs } from 'node:fs';
import sharp from 'sharp';
import { sha256 } from '../util/hash';

/** Interleaved 8-bit RGB pixels, row-major. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A file that could not be read as an image; the message names the file. */
export class ImageError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ImageError';
  }
}

/** An image read from a file, with the sha256 of the very bytes decoded (the feature cache's key). */
export interface ReadImage extends RgbImage {
  sha256: string;
}

/** Shown in full up to here; beyond, how many more. */
const LISTED = 20;

/** One error for images that could not be read: every one named (up to 20), and what to do. */
export function unreadableImages(failed: readonly ImageError[]): Error {
  const listed = failed.slice(0, LISTED).map((e) => `  ${e.message}`);
  if (failed.length > LISTED) listed.push(`  ... and ${failed.length - LISTED} more`);
  return new Error(
    `cannot read ${failed.length} image(s); replace or remove them (kombat dataset validate lists every problem):\n` +
      listed.join('\n'),
  );
}

export async function readImage(file: string): Promise<ReadImage> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImageError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code})`);
  }
  return { ...(await decodeImage(bytes, file)), sha256: sha256(bytes) };
}

export async function decodeImage(bytes: Uint8Array, name: string): Promise<RgbImage> {
  if (bytes.length === 0) throw new ImageError(name, 'empty file, not an image');
  try {
    // failOn 'warning' rejects truncated JPEGs instead of returning a half-grey image.
    const { data, info } = await sharp(bytes, { failOn: 'warning' })
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (err) {
    throw new ImageError(name, describeDecodeError((err as Error).message));
  }
}

/** sharp's message as a reason a person can act on. */
export function describeDecodeError(message: string): string {
  if (/unsupported image format/i.test(message)) return 'not an image (unknown or unsupported format)';
  if (/premature end|truncated|corrupt/i.test(message)) return `truncated or corrupt image (${message})`;
  return `cannot decode image (${message})`;
}
