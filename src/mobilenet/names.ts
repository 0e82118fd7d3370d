// MobileNet variants and where Google publishes them: plain data, no Node imports, so the game
// page resolves the same names and URLs as the Node loader.

export type Alpha = 0.25 | 0.5 | 0.75 | 1.0;
export const ALPHAS: readonly Alpha[] = [0.25, 0.5, 0.75, 1.0];
export const DEFAULT_ALPHA: Alpha = 0.75;
export const OFFICIAL_BASE_URL = 'https://storage.googleapis.com/tfjs-models/tfjs';

/** The official folder name: mobilenet_v1_0.75_224, mobilenet_v1_1.0_224, ... */
export function modelName(alpha: Alpha): string {
  const a = alpha === 1 ? '1.0' : alpha.toFixed(2);
  return `mobilenet_v1_${a}_224`;
}

export function parseAlpha(text: string): Alpha {
  const alpha = Number(text) as Alpha;
  if (!ALPHAS.includes(alpha)) throw new Error(`alpha ${text} is not one of ${ALPHAS.join(', ')}`);
  return alpha;
}

export function officialUrl(alpha: Alpha, baseUrl = OFFICIAL_BASE_URL): string {
  return `${baseUrl}/${modelName(alpha)}/model.json`;
}

/** Input sides MobileNet is run at: it downsamples 32x, and beyond 1024 only memory grows. */
export const INPUT_SIDE = { min: 32, max: 1024 } as const;

/** Output channels of depthwise-separable block 1..13's pointwise convolution, at alpha 1. */
const POINTWISE = [64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024];
const FEATURE_LAYER = /^(?:conv1|conv_(dw|pw)_(\d+))(?:_bn|_relu)?$/;

/**
 * Length of the (average-pooled) feature vector of a MobileNet v1 layer, from its name and alpha,
 * without loading the network; undefined for a name that is not a layer a head can read.
 */
export function featureLayerSize(layer: string, alpha: Alpha): number | undefined {
  if (layer === 'global_average_pooling2d_1') return 1024 * alpha;
  const m = FEATURE_LAYER.exec(layer);
  if (!m) return undefined;
  if (m[1] === undefined) return 32 * alpha;
  const block = Number(m[2]);
  if (block < 1 || block > POINTWISE.length) return undefined;
  // A depthwise convolution keeps its input's channels: those of the block before.
  return (m[1] === 'pw' ? POINTWISE[block - 1] : (POINTWISE[block - 2] ?? 32)) * alpha;
}

/** For messages: the layer names featureLayerSize knows. */
export const FEATURE_LAYERS =
  'conv1, conv_dw_1..13, conv_pw_1..13 (each also _bn or _relu), global_average_pooling2d_1';
