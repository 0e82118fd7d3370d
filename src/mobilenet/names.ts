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
