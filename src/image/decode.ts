// Node-side image decoding: any format sharp reads (JPEG incl. CMYK and grayscale, PNG, WebP, ...)
// becomes 8-bit sRGB, 3 channels, EXIF orientation applied. The browser uses canvas pixels instead;
// both then go through src/preprocess.ts.
import { promises as fs } from 'node:fs';
import sharp from 'sharp';

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

export async function readImage(file: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImageError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code})`);
  }
  return decodeImage(bytes, file);
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

function describeDecodeError(message: string): string {
  if (/unsupported image format/i.test(message)) return 'not an image (unknown or unsupported format)';
  if (/premature end|truncated|corrupt/i.test(message)) return `truncated or corrupt image (${message})`;
  return `cannot decode image (${message})`;
}
