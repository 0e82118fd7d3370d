// Turning a camera picture into the RGB frame the model reads. Pure pixel arithmetic shared by the
// page (which draws the video on a canvas) and the tests (which check it against Node).

export interface RgbFrame {
  /** width * height * 3 bytes, row-major RGB. */
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface Rect {
  sx: number;
  sy: number;
  sw: number;
  sh: number;
}

/** The article's webcam input: a 100x56 crop of the frame's top, at 16:9. */
export const ARTICLE_CROP = { width: 100, height: 56 } as const;

/**
 * The article's browser-only crop: the region (0, 0, W, W * 56 / 100) of the frame (the top of it
 * when the camera is taller than 16:9), later scaled to 100x56.
 */
export function articleCropRect(width: number, height: number): Rect {
  return {
    sx: 0,
    sy: 0,
    sw: width,
    sh: Math.min(height, Math.round((width * ARTICLE_CROP.height) / ARTICLE_CROP.width)),
  };
}

/** The whole frame, scaled down (never up) so its width is at most `maxWidth`: less to copy, same picture. */
export function captureSize(width: number, height: number, maxWidth: number): { width: number; height: number } {
  const k = Math.min(1, maxWidth / width);
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

/** RGBA canvas pixels -> RGB. */
export function rgbOf(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): RgbFrame {
  const n = width * height;
  if (rgba.length !== n * 4) throw new Error(`RGBA buffer holds ${rgba.length} bytes, expected ${width}x${height}x4`);
  const rgb = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    rgb[i * 3] = rgba[j];
    rgb[i * 3 + 1] = rgba[j + 1];
    rgb[i * 3 + 2] = rgba[j + 2];
  }
  return { rgb, width, height };
}

/** The article's greyscale filter: each pixel's R, G and B replaced by their mean. */
export function greyscale(frame: RgbFrame): RgbFrame {
  const rgb = new Uint8Array(frame.rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const v = Math.round((frame.rgb[i] + frame.rgb[i + 1] + frame.rgb[i + 2]) / 3);
    rgb[i] = v;
    rgb[i + 1] = v;
    rgb[i + 2] = v;
  }
  return { ...frame, rgb };
}
