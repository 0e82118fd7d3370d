// Loading an exported classifier (model.json + weights + metadata.json) from anywhere: a folder in
// Node, a URL in the game page. One loader, one metadata check, so a model that `kombat evaluate`
// accepts is a model the page accepts, with the same messages when it is not.
import * as tf from '@tensorflow/tfjs';
import { type DeclaredFeatures, type FrameEncoder, featureKind } from '../features/encoder';
import { ALPHAS } from '../mobilenet/names';
import type { ClassifierMetadata } from './classifier';

/** The files of one exported model, wherever they live. */
export interface ModelFolder {
  /** Shown in messages: a folder path or a URL. */
  location: string;
  /** A file's text, or undefined when the file does not exist. */
  readText(file: string): Promise<string | undefined>;
  /** Reads model.json and its weights. */
  handler(): tf.io.IOHandler;
}

export const TASKS = ['binary', 'ternary'] as const;

/** metadata.json checked for what inference needs; each problem names the file and the field. */
export function checkMetadata(value: unknown, where: string): ClassifierMetadata {
  const m = value as Partial<ClassifierMetadata> | null;
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  if (!m || typeof m !== 'object') return fail('not a JSON object');
  if (!TASKS.includes(m.task as (typeof TASKS)[number]))
    fail(`"task" is ${JSON.stringify(m.task)}, expected one of ${TASKS.join(', ')}`);
  const classes = m.classes;
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string'))
    fail('"classes" must be a list of names');
  const want = m.task === 'ternary' ? ['punch', 'kick', 'other'] : ['punch'];
  for (const c of want) if (!classes?.includes(c)) fail(`"classes" ${JSON.stringify(classes)} lacks "${c}"`);
  if (m.task === 'binary' && (classes?.length !== 2 || classes[1] !== 'punch')) {
    fail(`a binary model's "classes" are [not-punch, punch] (its one output is punch), got ${JSON.stringify(classes)}`);
  }
  const f = m.features as DeclaredFeatures | undefined;
  if (!f || typeof f !== 'object') return fail('missing "features" (which MobileNet layer the head reads)');
  featureKind(f);
  if (!ALPHAS.includes(f.alpha))
    fail(`"features.alpha" is ${JSON.stringify(f.alpha)}, expected one of ${ALPHAS.join(', ')}`);
  const size = f.inputSize;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((n) => Number.isInteger(n) && n >= 32)) {
    fail(`"features.inputSize" must be [height, width] of at least 32, got ${JSON.stringify(size)}`);
  }
  if (typeof f.layer !== 'string') fail('"features.layer" must name a MobileNet layer');
  if (f.fit !== 'stretch' && f.fit !== 'letterbox')
    fail(`"features.fit" is ${JSON.stringify(f.fit)}, expected stretch or letterbox`);
  const t = m.thresholds as unknown as Record<string, unknown> | undefined;
  if (!t || typeof t !== 'object' || !Object.values(t).every((v) => typeof v === 'number' && Number.isFinite(v))) {
    fail('"thresholds" must be an object of numbers (the decision rule\'s thresholds)');
  }
  return m as ClassifierMetadata;
}

export interface LoadedHead {
  head: tf.LayersModel;
  metadata: ClassifierMetadata;
}

/** The head and its checked metadata; its input and output sizes must agree with the metadata. */
export async function loadHead(folder: ModelFolder): Promise<LoadedHead> {
  const where = `${folder.location}/metadata.json`;
  const text = await folder.readText('metadata.json');
  if (text === undefined) {
    throw new Error(
      `${where} is missing: ${folder.location} is not an exported kombat model (kombat export writes one)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not valid JSON (${(err as Error).message})`);
  }
  const metadata = checkMetadata(parsed, where);
  let head: tf.LayersModel;
  try {
    head = await tf.loadLayersModel(folder.handler());
  } catch (err) {
    throw new Error(`cannot load the model in ${folder.location}: ${(err as Error).message}`);
  }
  const inputs = head.inputs[0].shape[1];
  const outputs = head.outputs[0].shape[1];
  const units = metadata.task === 'ternary' ? metadata.classes.length : 1;
  const declared = metadata.features.featureSize;
  const problem =
    declared !== undefined && inputs !== declared
      ? `the head reads ${inputs} features but metadata.json declares ${declared}`
      : outputs !== units
        ? `the head has ${outputs} outputs, a ${metadata.task} model over ${JSON.stringify(metadata.classes)} needs ${units}`
        : undefined;
  if (problem) {
    head.dispose();
    throw new Error(`${folder.location}: ${problem}`);
  }
  return { head, metadata };
}

/** Throws when the encoder's vectors are not what the head was trained on. */
export function checkEncoder(loaded: LoadedHead, encoder: Pick<FrameEncoder, 'featureSize'>, location: string): void {
  const want = loaded.head.inputs[0].shape[1];
  if (encoder.featureSize !== want) {
    const f = loaded.metadata.features;
    throw new Error(
      `${location}: the feature layer does not match: model.json expects ${want} features, but the features its ` +
        `metadata.json names (${f.layer}, ${f.inputSize[1]}x${f.inputSize[0]}, alpha ${f.alpha}) have ${encoder.featureSize}`,
    );
  }
}

/** An exported model served over HTTP (the game page), e.g. /models/kombat-ternary. */
export function urlFolder(base: string): ModelFolder {
  const root = base.replace(/\/+$/, '');
  return {
    location: root,
    async readText(file) {
      const response = await fetch(`${root}/${file}`);
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`${root}/${file}: HTTP ${response.status}`);
      return response.text();
    },
    handler: () => tf.io.http(`${root}/model.json`),
  };
}
