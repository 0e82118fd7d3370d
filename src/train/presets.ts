// How much work a training on a folder does. `full` is `kombat train`'s default (16 variants per
// frame, the config's features and epoch budget); `quick` is what the page's "train on my
// recordings" runs by default, sized so ~300 frames of one person become a playable model in
// under a minute on a 2-core machine without a GPU (README: the measured time and what it costs).
import type { FeatureSpec } from '../features/spec';

export const FOLDER_PRESETS = ['quick', 'full'] as const;
export type FolderPreset = (typeof FOLDER_PRESETS)[number];

export interface PresetSettings {
  /** Augmented variants per frame (0: the originals only). */
  variants: number;
  /** Epoch budget; undefined: the config's. */
  epochs?: number;
  /** Features other than the config's; undefined: the config's. */
  features?: Partial<FeatureSpec>;
  /** Most folds of the cross-validation (leave-one-out up to this many groups). */
  maxFolds?: number;
}

export const PRESETS: Record<FolderPreset, PresetSettings> = {
  full: { variants: 16 },
  // Chosen by the rule in README ("Record yourself, train, play"): on one person's page-sized real
  // frames, 128x128 at the last pointwise block without augmented variants scored the best held-out
  // balanced accuracy of the sizes, layers and variant counts tried, and is among the cheapest. At
  // this layer the article-sized (100x56) variants lowered it at every size. What it costs against
  // full is carrying the model to another room or person (README).
  quick: {
    variants: 0,
    epochs: 20,
    maxFolds: 4,
    features: { inputSize: [128, 128], layer: 'conv_pw_13_relu' },
  },
};

export function parsePreset(text: string): FolderPreset {
  if (!(FOLDER_PRESETS as readonly string[]).includes(text))
    throw new Error(`unknown preset "${text}" (presets are ${FOLDER_PRESETS.join(', ')})`);
  return text as FolderPreset;
}
