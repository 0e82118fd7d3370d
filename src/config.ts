// The project's chosen set-up, in one file that the chapters fill in and later steps read:
// models/config.json holds the feature layer and input (chapter 03), the head's hyper-parameters
// (chapter 06) and the game's thresholds (chapter 07). Without the file, the article's choices
// (224x224, global_average_pooling2d_1) with the corrected training apply.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Task } from './features/sets';
import { writeJsonAtomic } from './util/fs';
import { ARTICLE_THRESHOLDS, type Thresholds } from './game/decision';
import { DEFAULT_LAYER } from './mobilenet/model';
import { type Alpha, DEFAULT_ALPHA } from './mobilenet/source';
import { modelsDir } from './settings';
import type { Fit, InputSize } from './preprocess';
import { CORRECTED } from './train/setups';
import type { Hyperparams } from './train/train';

export interface FeatureSpec {
  alpha: Alpha;
  /** [height, width] of the MobileNet input. */
  inputSize: InputSize;
  layer: string;
  fit: Fit;
}

export interface ProjectConfig {
  features: FeatureSpec;
  hyperparams: Record<Task, Hyperparams>;
  thresholds: Thresholds;
}

export const ARTICLE_FEATURES: FeatureSpec = {
  alpha: DEFAULT_ALPHA,
  inputSize: [224, 224],
  layer: DEFAULT_LAYER,
  fit: 'stretch',
};

export const DEFAULT_CONFIG: ProjectConfig = {
  features: ARTICLE_FEATURES,
  hyperparams: CORRECTED,
  thresholds: ARTICLE_THRESHOLDS,
};

export const CONFIG_PATH = path.join(modelsDir, 'config.json');

/** The saved configuration, completed with defaults for what it does not set yet. */
export async function readConfig(file = CONFIG_PATH): Promise<ProjectConfig> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return DEFAULT_CONFIG;
  let saved: Partial<ProjectConfig>;
  try {
    saved = JSON.parse(text) as Partial<ProjectConfig>;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return {
    features: { ...DEFAULT_CONFIG.features, ...saved.features },
    hyperparams: {
      binary: { ...DEFAULT_CONFIG.hyperparams.binary, ...saved.hyperparams?.binary },
      ternary: { ...DEFAULT_CONFIG.hyperparams.ternary, ...saved.hyperparams?.ternary },
    },
    thresholds: { ...DEFAULT_CONFIG.thresholds, ...saved.thresholds },
  };
}

/** Replaces one part of the saved configuration, keeping the rest. */
export async function updateConfig(patch: Partial<ProjectConfig>, file = CONFIG_PATH): Promise<ProjectConfig> {
  const next = { ...(await readConfig(file)), ...patch };
  await writeJsonAtomic(file, next);
  return next;
}
