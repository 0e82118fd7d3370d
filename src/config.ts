// The project's chosen set-up, in one file that the chapters fill in and later steps read:
// <models>/config.json holds the feature layer and input (chapter 03), the head's hyper-parameters
// (chapter 06), the game's thresholds (chapter 07) and the default way of seeing a frame (chapter
// 10). Without the file, the article's features with the corrected training and the article's
// thresholds apply. Every chapter, the CLI and the export read and write it through this module only.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { TASKS, type Task } from './data/tasks';
import { ARTICLE_THRESHOLDS, parseThresholds, type ThresholdsByTask } from './decision';
import { parseFrameFeatures, wholeFrameSpec } from './features/kinds';
import { ARTICLE_FEATURES, type FeatureSpec } from './features/spec';
import { type Profile, settings } from './settings';
import { CORRECTED } from './train/setups';
import type { Hyperparams } from './train/train';
import { writeJsonAtomic } from './util/fs';

export interface ProjectConfig {
  features: FeatureSpec;
  hyperparams: Record<Task, Hyperparams>;
  /** The decision rule's thresholds of each model: 3-way {other, action}, binary {punch}. */
  thresholds: ThresholdsByTask;
  /** The way of seeing a frame the default models use (chapter 09's choice among transfer/methods.ts). */
  defaultMethod?: { method: string; realFrames: string | null; rule: string };
}

export const DEFAULT_CONFIG: ProjectConfig = {
  features: ARTICLE_FEATURES,
  hyperparams: CORRECTED,
  thresholds: ARTICLE_THRESHOLDS,
};

/** <models>/config.json (KOMBAT_MODELS_DIR moves it with the models). */
export function configPath(modelsDir = settings().modelsDir): string {
  return path.join(modelsDir, 'config.json');
}

/** The saved configuration, completed with defaults for what it does not set yet. */
export async function readConfig(file = configPath()): Promise<ProjectConfig> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return DEFAULT_CONFIG;
  let saved: Partial<ProjectConfig>;
  try {
    saved = JSON.parse(text) as Partial<ProjectConfig>;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return {
    // Chapter 03's choice is whole-frame MobileNet; files written before kinds existed have no "kind".
    features: wholeFrameSpec(
      parseFrameFeatures({ ...DEFAULT_CONFIG.features, ...saved.features }, `${file}: features`),
      `${file}: features`,
    ),
    hyperparams: {
      binary: { ...DEFAULT_CONFIG.hyperparams.binary, ...saved.hyperparams?.binary },
      ternary: { ...DEFAULT_CONFIG.hyperparams.ternary, ...saved.hyperparams?.ternary },
    },
    thresholds: savedThresholds(saved.thresholds, file),
    ...(saved.defaultMethod ? { defaultMethod: saved.defaultMethod } : {}),
  };
}

/** The saved thresholds per task, the article's for a task without any. */
function savedThresholds(value: unknown, file: string): ThresholdsByTask {
  if (value === undefined) return DEFAULT_CONFIG.thresholds;
  const saved = (value ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(saved).filter((k) => !TASKS.includes(k as Task));
  if (typeof value !== 'object' || Array.isArray(value) || unknown.length > 0) {
    const earlier = typeof value === 'object' && 'any' in saved;
    throw new Error(
      `${file}: "thresholds" ${JSON.stringify(value)} ` +
        (earlier
          ? 'belong to an earlier decision rule (no action unless some class reached "any"): remove them ' +
            "(the article's apply until chapter 07 chooses new ones)"
          : `must be {"ternary": {"other", "action"}, "binary": {"punch"}} (unknown: ${unknown.join(', ')})`),
    );
  }
  const part = <T extends Task>(task: T) =>
    saved[task] === undefined
      ? DEFAULT_CONFIG.thresholds[task]
      : parseThresholds(task, saved[task], `${file}: ${task}`);
  return { ternary: part('ternary'), binary: part('binary') };
}

/** Replaces one part of the saved configuration, keeping the rest. */
export async function updateConfig(patch: Partial<ProjectConfig>, file = configPath()): Promise<ProjectConfig> {
  const next = { ...(await readConfig(file)), ...patch };
  await writeJsonAtomic(file, next);
  return next;
}

/** The hyper-parameters of the corrected and final runs: the configured ones, capped by the profile. */
export function runHyperparams(
  config: ProjectConfig,
  profile: Profile = settings().profile,
): Record<Task, Hyperparams> {
  const cap = (hp: Hyperparams) => (profile.maxEpochs === undefined ? hp : { ...hp, maxEpochs: profile.maxEpochs });
  return { binary: cap(config.hyperparams.binary), ternary: cap(config.hyperparams.ternary) };
}
