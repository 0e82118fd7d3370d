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

/** [h, w, 3] pixels in 0..255 -> [size[0], size[1], 3] float32 in [-1, 1]. */
export function toModelInput(pixels: tf.Tensor3D, size: InputSize): tf.Tensor3D {
  return tf.tidy(() => {
    const scaled = tf.sub(tf.mul(tf.cast(pixels, 'float32'), 2 / 255), 1) as tf.Tensor3D;
    if (pixels.shape[0] === size[0] && pixels.shape[1] === size[1]) return scaled;
    return tf.image.resizeBilinear(scaled, [size[0], size[1]], true);
  });
}
