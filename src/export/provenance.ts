// Whether an exported model still matches the data and configuration it would be trained from now:
// the same training-data hash, feature spec and hyper-parameters. Chapter 08 re-exports a matching
// model instead of training it again.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { parseFrameFeatures } from '../features/kinds';
import type { FeatureSpec } from '../features/spec';
import { displayPath } from '../settings';
import type { Hyperparams } from '../train/train';
import { exists } from '../util/fs';
import type { ClassifierMetadata } from './metadata';
import { loadSavedModel } from './model-io';

/** Stable JSON (sorted keys) for comparing specs. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface Provenance {
  trainingDataHash: string;
  features: FeatureSpec;
  hyperparams: Hyperparams;
}

/** Why an exported model does not match (empty when it does): data hash, features or hyper-parameters. */
export function provenanceMismatch(
  metadata: Pick<ClassifierMetadata, 'trainingDataHash' | 'features' | 'hyperparams'>,
  want: Provenance,
): string[] {
  const out: string[] = [];
  if (metadata.trainingDataHash !== want.trainingDataHash) out.push('training data changed');
  // In the kinds' normal form: an export from before kinds existed has no "kind" and means whole-frame MobileNet.
  const features = parseFrameFeatures(metadata.features, 'metadata.json: features');
  if (canonical(features) !== canonical(want.features))
    out.push(`features ${canonical(features)} != ${canonical(want.features)}`);
  if (canonical(metadata.hyperparams) !== canonical(want.hyperparams))
    out.push(`hyper-parameters ${canonical(metadata.hyperparams)} != ${canonical(want.hyperparams)}`);
  return out;
}

export interface ReusedModel {
  dir: string;
  model: tf.LayersModel;
  metadata: ClassifierMetadata;
}

/**
 * The first of `dirs` holding a float32 export whose provenance matches; undefined (with the
 * reasons logged) when none does. Quantised exports are skipped: they are not a master copy.
 */
export async function findReusable(
  dirs: string[],
  want: Provenance,
  log: (line: string) => void = () => {},
): Promise<ReusedModel | undefined> {
  for (const dir of dirs) {
    const file = path.join(dir, 'metadata.json');
    if (!(await exists(file))) {
      log(`${displayPath(dir)}: no export`);
      continue;
    }
    const metadata = JSON.parse(await fs.readFile(file, 'utf8')) as ClassifierMetadata;
    if (metadata.weights !== 'float32') {
      log(`${displayPath(dir)}: ${metadata.weights} weights, not a float32 master`);
      continue;
    }
    const why = provenanceMismatch(metadata, want);
    if (why.length > 0) {
      log(`${displayPath(dir)}: ${why.join('; ')}`);
      continue;
    }
    const { model } = await loadSavedModel<ClassifierMetadata>(dir);
    return { dir, model, metadata };
  }
  return undefined;
}
