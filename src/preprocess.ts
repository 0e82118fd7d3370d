// The one preprocessing path for training, evaluation and the browser: it imports only tfjs, so
// the game page bundles the very same code. It mirrors @tensorflow-models/mobilenet's `infer`:
// scale RGB from [0, 255] to [-1, 1] first, then bilinear resize with aligned corners.
import * as tf from '@tensorflow/tfjs';

/** Model input size as [height, width]. */
export type InputSize = readonly [number, number];

export function rgbTensor(data: Uint8Array, width: number, height: number): tf.Tensor3D {
  if (data.length !== width * height * 3) {
    throw new Error(`RGB buffer holds ${data.length} bytes, expected ${width}x${height}x3`);
  }
  return tf.tensor3d(Int32Array.from(data), [height, width, 3], 'int32');
}

/**
 * How an image whose aspect differs from the model input is fitted: 'stretch' as the article and
 * @tensorflow-models/mobilenet do, or 'letterbox': scaled to fit whole and padded with mid-grey
 * (0 after scaling), so shapes are never distorted or cut off.
 */
export type Fit = 'stretch' | 'letterbox';
export const FITS: readonly Fit[] = ['stretch', 'letterbox'];

/** [h, w, 3] pixels in 0..255 -> [size[0], size[1], 3] float32 in [-1, 1]. */
export function toModelInput(pixels: tf.Tensor3D, size: InputSize, fit: Fit = 'stretch'): tf.Tensor3D {
  return tf.tidy(() => {
    const scaled = tf.sub(tf.mul(tf.cast(pixels, 'float32'), 2 / 255), 1) as tf.Tensor3D;
    const [h, w] = pixels.shape;
    if (h === size[0] && w === size[1]) return scaled;
    if (fit === 'stretch') return tf.image.resizeBilinear(scaled, [size[0], size[1]], true);
    const k = Math.min(size[0] / h, size[1] / w);
    const inner: [number, number] = [
      Math.min(size[0], Math.max(1, Math.round(h * k))),
      Math.min(size[1], Math.max(1, Math.round(w * k))),
    ];
    const resized = tf.image.resizeBilinear(scaled, inner, true);
    const top = (size[0] - inner[0]) >> 1;
    const left = (size[1] - inner[1]) >> 1;
    return tf.pad(resized, [
      [top, size[0] - inner[0] - top],
      [left, size[1] - inner[1] - left],
      [0, 0],
    ]);
  });
}
