// What an exported model folder promises to whoever loads it (the game page, `kombat evaluate`,
// `kombat train --features`): metadata.json next to a TensorFlow.js layers model (model.json +
// weights). Browser-safe: type-only imports, no Node modules.
//
//   model.json + weights.bin  the head: input [n, features.featureSize] -> output [n, units], units =
//                             1 (binary: sigmoid probability of "punch") or 3 (softmax over classes)
//   metadata.json             ModelContract below (plus provenance the loader may ignore: training-data
//                             hash, hyper-parameters, epochs, metrics, environment)
//
// To turn a frame (RGB pixels 0..255, any size) into the head's input, follow `features`
// (src/vision/spec.ts; per frame: src/vision/frame.ts). Then the game's rule (src/game/decision.ts)
// with `thresholds` turns the head's output into an action.
import type { Thresholds } from '../game/decision';
import { type DeclaredFeatures, parseDeclaredFeatures } from './spec';

export type ModelTask = 'binary' | 'ternary';
export const MODEL_CLASSES: Record<ModelTask, readonly string[]> = {
  binary: ['not-punch', 'punch'],
  ternary: ['punch', 'kick', 'other'],
};
export type WeightFormatName = 'float32' | 'uint16' | 'uint8';

export interface ModelContract {
  name: string;
  task: ModelTask;
  /** Output order; the binary model has one sigmoid unit, for the second class (punch). */
  classes: string[];
  /** How a frame becomes the head's input. */
  features: DeclaredFeatures;
  /** The same in words, for people. */
  preprocessing: string;
  /** The game's decision rule thresholds chosen for this model (binary: punch when p >= any). */
  thresholds: Thresholds;
  weights: WeightFormatName;
}

/** Output units of the head for a task. */
export function outputUnitsOf(task: ModelTask): number {
  return task === 'binary' ? 1 : MODEL_CLASSES.ternary.length;
}

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

function unitInterval(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(where, `${JSON.stringify(value)} is not in 0..1`);
  return value;
}

/**
 * Checks parsed metadata.json against the contract and returns it typed (other fields kept as they
 * are). `where` names the file in every message.
 */
export function parseModelMetadata<M extends ModelContract = ModelContract>(json: unknown, where = 'metadata.json'): M {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(where, 'expected a JSON object');
  const m = json as Record<string, unknown>;
  for (const field of ['name', 'task', 'classes', 'features', 'thresholds'] as const)
    if (m[field] === undefined) fail(where, `missing "${field}"`);
  const task = m.task as ModelTask;
  if (!(task in MODEL_CLASSES)) fail(`${where}: task`, `"${String(m.task)}" is not one of binary, ternary`);
  const expected = MODEL_CLASSES[task];
  if (!Array.isArray(m.classes) || m.classes.join(',') !== expected.join(','))
    fail(`${where}: classes`, `${JSON.stringify(m.classes)} should be ${JSON.stringify(expected)} for a ${task} model`);
  const t = m.thresholds as Record<string, unknown>;
  const thresholds: Thresholds = {
    any: unitInterval(t?.any, `${where}: thresholds.any`),
    action: unitInterval(t?.action, `${where}: thresholds.action`),
  };
  const weights = m.weights ?? 'float32';
  if (!['float32', 'uint16', 'uint8'].includes(weights as string))
    fail(`${where}: weights`, `"${String(weights)}" is not one of float32, uint16, uint8`);
  return {
    ...m,
    name: String(m.name),
    task,
    classes: [...expected],
    features: parseDeclaredFeatures(m.features, `${where}: features`),
    preprocessing: typeof m.preprocessing === 'string' ? m.preprocessing : '',
    thresholds,
    weights,
  } as M;
}
