// MobileNet feature extractors by spec, the MobileNet loaded once per (alpha, input size) per
// process: training, evaluation and the pose-based feature kinds share them.
import type { FeatureSpec } from '../train/config';
import { type FeatureExtractor, loadMobileNet, type MobileNet } from './model';

const loaded = new Map<string, Promise<MobileNet>>();

export async function extractorFor(spec: FeatureSpec): Promise<FeatureExtractor> {
  const key = `${spec.alpha}/${spec.inputSize.join('x')}`;
  if (!loaded.has(key)) loaded.set(key, loadMobileNet({ alpha: spec.alpha, inputSize: spec.inputSize }));
  return (await loaded.get(key)!).truncate(spec.layer, spec.fit);
}
