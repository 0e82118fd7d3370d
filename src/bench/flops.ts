// The arithmetic a network does per image, so a measured time becomes GFLOP/s next to the
// machine's matmul peak. Counted as 2 FLOPs per multiply-add of the convolutions and dense layers;
// batch normalisation, activations and pooling are a few percent of a MobileNet and not counted
// (the usual convention: MobileNet v1 1.0 at 224x224 is 569 million multiply-adds).
import type * as tf from '@tensorflow/tfjs';

/** FLOPs of one forward pass of one input through `model`'s convolutions and dense layers. */
export function modelFlops(model: tf.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind !== 'Conv2D' && kind !== 'DepthwiseConv2D' && kind !== 'Dense') continue;
    const [weights] = layer.weights;
    if (!weights) continue;
    if (kind === 'Dense') {
      const [inputs = 0, units = 0] = weights.shape as number[];
      flops += 2 * inputs * units;
    } else {
      // Conv2D kernel [kh, kw, in, out], DepthwiseConv2D [kh, kw, in, multiplier]: kh * kw * in *
      // (out or multiplier) multiply-adds per output position either way.
      const [kh = 0, kw = 0, cin = 0, cout = 0] = weights.shape as number[];
      const [, height = 0, width = 0] = layer.outputShape as number[];
      flops += 2 * height * width * kh * kw * cin * cout;
    }
  }
  return flops;
}
