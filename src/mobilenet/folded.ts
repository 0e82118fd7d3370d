// MobileNet's convolutional chain with each batch normalisation folded into the convolution before it.
// At inference a BatchNormalization layer is a per-channel affine map, y = scale * x + shift with
// scale = gamma / sqrt(variance + epsilon) and shift = beta - mean * scale, so it can be absorbed
// into that convolution's filter (each output channel's kernel times its scale) and bias (the shift).
// The relu6 after it becomes the fused convolution's clamp. One fused kernel per block instead of
// four (convolution, batch norm, relu, minimum): the layers model spends most of its time in the
// three elementwise passes over large activations, the folded chain only in the convolutions
// (56.6 -> 25.0 ms/image, batch 16, one wasm thread). Values agree with the layers model to
// float rounding (about 3e-5 on activations up to 6).
import * as tf from '@tensorflow/tfjs';

/** Names features computed by the folded chain (cache headers): the layers model's differ in the last bits. */
export const FOLDED_COMPUTATION = 'bn-folded';

/** One fused step of the chain, named by the last layer it covers (where features may be cut). */
interface Step {
  name: string;
  apply(x: tf.Tensor4D): tf.Tensor;
  weights: tf.Tensor[];
}

type Activation = 'linear' | 'relu' | 'relu6';

interface LayerLike {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  getWeights(): tf.Tensor[];
}

const ACTIVATIONS: readonly string[] = ['linear', 'relu', 'relu6'];

function activationOf(layer: LayerLike): Activation | undefined {
  const kind = layer.getClassName();
  const activation = layer.getConfig().activation as string | undefined;
  if (kind === 'ReLU') return layer.getConfig().max_value === 6 ? 'relu6' : 'relu';
  if (kind === 'Activation' && activation && ACTIVATIONS.includes(activation)) return activation as Activation;
  return undefined;
}

/** Convolution (plain or depthwise) + optional batch norm + optional activation, as one fused step. */
function convStep(conv: LayerLike, bn: LayerLike | undefined, act: LayerLike | undefined): Step {
  const config = conv.getConfig();
  const depthwise = conv.getClassName() === 'DepthwiseConv2D';
  const [kernel, convBias] = conv.getWeights() as [tf.Tensor4D, tf.Tensor1D | undefined];
  const strides = config.strides as [number, number];
  const pad = config.padding as 'same' | 'valid';
  const own = (config.activation as string | undefined) ?? 'linear';
  if (!ACTIVATIONS.includes(own)) throw new Error(`cannot fold MobileNet layer ${conv.name}: activation ${own}`);
  if (bn && own !== 'linear') throw new Error(`cannot fold ${bn.name} into ${conv.name}: its activation comes first`);
  const activation = (act ? activationOf(act) : own) as Activation;
  const [filter, bias] = tf.tidy(() => {
    if (!bn) return [tf.clone(kernel), convBias ? tf.clone(convBias) : tf.zeros([kernel.shape[3]])];
    const [gamma, beta, mean, variance] = bn.getWeights();
    const epsilon = bn.getConfig().epsilon as number;
    const scale = tf.div(gamma, tf.sqrt(tf.add(variance, epsilon)));
    // A depthwise kernel is [kh, kw, channels, 1]: its channels are the third axis, a plain one's the fourth.
    const scaled = tf.mul(kernel, depthwise ? tf.reshape(scale, [1, 1, -1, 1]) : scale) as tf.Tensor4D;
    const shift = tf.sub(beta, tf.mul(convBias ? tf.sub(mean, convBias) : mean, scale));
    return [scaled, shift];
  });
  const args = { filter, strides, pad, bias, activation } as const;
  return {
    name: (act ?? bn ?? conv).name,
    apply: (x) => (depthwise ? tf.fused.depthwiseConv2d({ x, ...args }) : tf.fused.conv2d({ x, ...args })),
    weights: [filter, bias],
  };
}

/** MobileNet's layers up to its global pooling, folded; features can be cut after any step. */
export class FoldedChain {
  private constructor(private readonly steps: Step[]) {}

  /** Folds `model`'s chain of layers from its input through its global pooling. */
  static fold(model: tf.LayersModel): FoldedChain {
    const layers = model.layers as unknown as LayerLike[];
    const steps: Step[] = [];
    try {
      for (let i = 0; i < layers.length; i++) {
        const layer = layers[i];
        const kind = layer.getClassName();
        if (kind === 'InputLayer') continue;
        if (kind === 'Conv2D' || kind === 'DepthwiseConv2D') {
          const bn = layers[i + 1]?.getClassName() === 'BatchNormalization' ? layers[i + 1] : undefined;
          const after = layers[i + (bn ? 2 : 1)];
          const act = after && activationOf(after) ? after : undefined;
          steps.push(convStep(layer, bn, act));
          i += (bn ? 1 : 0) + (act ? 1 : 0);
        } else if (kind === 'GlobalAveragePooling2D') {
          steps.push({ name: layer.name, apply: (x) => tf.mean(x, [1, 2]), weights: [] });
          break;
        } else {
          throw new Error(`cannot fold MobileNet layer ${layer.name} (${kind}): not part of v1's feature chain`);
        }
      }
    } catch (err) {
      for (const s of steps) tf.dispose(s.weights);
      throw err;
    }
    return new FoldedChain(steps);
  }

  /** The layer names features can be cut at: each block's activation, and the pooling. */
  get cutPoints(): string[] {
    return this.steps.map((s) => s.name);
  }

  /** The index of the step ending at `layer`; the error lists the valid names. */
  indexOf(layer: string): number {
    const i = this.steps.findIndex((s) => s.name === layer);
    if (i < 0) {
      const names = this.cutPoints;
      throw new Error(
        `MobileNet features cannot be cut at "${layer}"; cut after a block: ${names.slice(0, 2).join(', ')} .. ` +
          `${names.slice(-3).join(', ')} (${names.length} in all)`,
      );
    }
    return i;
  }

  /** The chain's outputs at steps `ends` (ascending order not required) for inputs [n, h, w, 3] in [-1, 1]. */
  run(x: tf.Tensor4D, ends: readonly number[]): tf.Tensor[] {
    const last = Math.max(...ends);
    return tf.tidy(() => {
      const outs = new Map<number, tf.Tensor>();
      let y: tf.Tensor = x;
      for (let i = 0; i <= last; i++) {
        y = this.steps[i].apply(y as tf.Tensor4D);
        if (ends.includes(i)) outs.set(i, y);
      }
      return ends.map((i) => outs.get(i) as tf.Tensor);
    });
  }

  dispose(): void {
    for (const s of this.steps) tf.dispose(s.weights);
  }
}

const folded = new WeakMap<tf.LayersModel, FoldedChain>();

/** The folded chain of `model`, made once per model (its weights stay until releaseFolded). */
export function foldedChain(model: tf.LayersModel): FoldedChain {
  let chain = folded.get(model);
  if (!chain) {
    chain = FoldedChain.fold(model);
    folded.set(model, chain);
  }
  return chain;
}

/** Frees `model`'s folded chain, if one was made; call with the model's own dispose. */
export function releaseFolded(model: tf.LayersModel): void {
  folded.get(model)?.dispose();
  folded.delete(model);
}
