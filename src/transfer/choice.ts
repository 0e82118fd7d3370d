// Which features `kombat train` uses: a feature kind by name, the kind an exported model declares
// (its folder), or by default the project's choice (chapter 09's method in models/config.json, else
// whole-frame MobileNet as chapter 03 chose it).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ProjectConfig } from '../config';
import type { ThresholdsByTask } from '../decision';
import { checkMetadata } from '../export/metadata';
import { FEATURE_KINDS, type FrameFeatures, undeclared } from '../features/kinds';
import { candidateMethods, POSE_FEATURES, personCropFeatures } from './methods';

export interface TrainingFeatures {
  features: FrameFeatures;
  /** Where the choice came from, for messages. */
  from: string;
  /** The thresholds of the model the features were taken from (for its task). */
  thresholds?: Partial<ThresholdsByTask>;
}

/** A feature kind by name, with the MobileNet settings of `config`. */
export function featuresOfKind(kind: string, config: ProjectConfig): FrameFeatures {
  switch (kind) {
    case 'mobilenet':
      return config.features;
    case 'mobilenet-crop':
      return personCropFeatures(config);
    case 'pose':
      return POSE_FEATURES;
    case 'combined':
      return { kind: 'combined', parts: [POSE_FEATURES, personCropFeatures(config)] };
    default:
      throw new Error(
        `unknown features "${kind}": use one of ${FEATURE_KINDS.join(', ')} or the folder of an exported model`,
      );
  }
}

export async function trainingFeatures(choice: string | undefined, config: ProjectConfig): Promise<TrainingFeatures> {
  if (choice === undefined) {
    const recorded = config.defaultMethod;
    if (!recorded) return { features: config.features, from: 'whole-frame MobileNet (models/config.json)' };
    const method = candidateMethods(config).find((m) => m.id === recorded.method);
    if (!method) throw new Error(`models/config.json: defaultMethod "${recorded.method}" is not a chapter 09 method`);
    return { features: method.features, from: `the default method ${method.id} (models/config.json)` };
  }
  if ((FEATURE_KINDS as readonly string[]).includes(choice))
    return { features: featuresOfKind(choice, config), from: choice };
  const file = path.join(choice, 'metadata.json');
  const text = await fs.readFile(file, 'utf8').catch(() => {
    throw new Error(
      `--features ${choice}: neither a feature kind (${FEATURE_KINDS.join(', ')}) nor a model folder with ` +
        'metadata.json',
    );
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const metadata = checkMetadata(json, file);
  return {
    features: undeclared(metadata.features),
    from: `the model in ${choice}`,
    thresholds: { [metadata.task]: metadata.thresholds },
  };
}
