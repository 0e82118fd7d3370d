// What a whole-frame MobileNet feature vector is (the "mobilenet" kind of ./kinds.ts, chapters 03-08):
// the MobileNet variant, its input size, the layer it is cut at and how images of another aspect
// are fitted. Features of different specs never mix (the cache keys on the spec), and an exported
// classifier records the spec it was trained on.
import { DEFAULT_INPUT_SIZE, loadMobileNet, type MobileNet } from '../mobilenet/model';
import { type Alpha, DEFAULT_ALPHA } from '../mobilenet/names';
import { DEFAULT_LAYER, type FeatureExtractor } from '../mobilenet/network';
import type { Fit, InputSize } from '../preprocess';

export interface FeatureSpec {
  kind: 'mobilenet';
  alpha: Alpha;
  /** [height, width] of the MobileNet input. */
  inputSize: InputSize;
  layer: string;
  fit: Fit;
}

/** The article's features: 224x224, stretched, the global pooling layer. */
export const ARTICLE_FEATURES: FeatureSpec = {
  kind: 'mobilenet',
  alpha: DEFAULT_ALPHA,
  inputSize: DEFAULT_INPUT_SIZE,
  layer: DEFAULT_LAYER,
  fit: 'stretch',
};

/** A MobileNet feature extractor for a spec; the MobileNet is loaded once per (alpha, input size). */
const loaded = new Map<string, Promise<MobileNet>>();
export async function extractorFor(spec: Omit<FeatureSpec, 'kind'>): Promise<FeatureExtractor> {
  const key = `${spec.alpha}/${spec.inputSize.join('x')}`;
  let mobilenet = loaded.get(key);
  if (!mobilenet) {
    mobilenet = loadMobileNet({ alpha: spec.alpha, inputSize: spec.inputSize });
    loaded.set(key, mobilenet);
  }
  return (await mobilenet).truncate(spec.layer, spec.fit);
}
