// Loading an exported classifier (model.json + weights + metadata.json) from anywhere: a folder in
// Node, a URL in the game page. One loader, one metadata check (./metadata.ts), so a model that
// `kombat evaluate` accepts is a model the page accepts, with the same messages when it is not.
import * as tf from '@tensorflow/tfjs';
import type { FrameEncoder } from '../features/encoder';
import { featureLabel, undeclared } from '../features/kinds';
import { type CheckedMetadata, checkMetadata, headUnits } from './metadata';

/** The files of one exported model, wherever they live. */
export interface ModelFolder {
  /** Shown in messages: a folder path or a URL. */
  location: string;
  /** A file's text, or undefined when the file does not exist. */
  readText(file: string): Promise<string | undefined>;
  /** Reads model.json and its weights. */
  handler(): tf.io.IOHandler;
}

export interface LoadedHead {
  head: tf.LayersModel;
  metadata: CheckedMetadata;
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
  const units = headUnits(metadata.task);
  const declared = metadata.features.featureSize;
  const problem =
    inputs !== declared
      ? `the head reads ${inputs} features but metadata.json declares ${declared}`
      : outputs !== units
        ? `the head has ${outputs} outputs, a ${metadata.task} model over ` +
          `${JSON.stringify(metadata.classes)} needs ${units}`
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
    const named = featureLabel(undeclared(loaded.metadata.features));
    throw new Error(
      `${location}: the features do not match: model.json expects ${want} features, but the features its ` +
        `metadata.json names (${named}) have ${encoder.featureSize}`,
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
