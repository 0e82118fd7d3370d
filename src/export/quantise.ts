// Weights stored smaller: each float32 tensor mapped affinely onto 16 or 8 bits (its own min and
// scale), the quantisation TensorFlow.js undoes when it loads a model. Which format ships is
// measured, not assumed (./weight-formats.ts).

export type WeightFormat = 'float32' | 'uint16' | 'uint8';
export const WEIGHT_FORMATS: readonly WeightFormat[] = ['float32', 'uint16', 'uint8'];

const LEVELS: Record<Exclude<WeightFormat, 'float32'>, number> = { uint16: 65535, uint8: 255 };

/** Affine min/scale quantisation of one tensor's values; `quantization` goes into model.json. */
export function quantise(values: Float32Array, format: Exclude<WeightFormat, 'float32'>) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const scale = max > min ? (max - min) / LEVELS[format] : 1;
  const q = format === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.round((values[i] - min) / scale);
  return { bytes: new Uint8Array(q.buffer), quantization: { dtype: format, min, scale } };
}
