// How a model sees a frame: the feature kinds an exported model can declare in its metadata.json,
// and the checks that a declaration is one of them. This is the contract between training, the
// CLI and the game page; it imports only pure TypeScript (no tfjs, no Node), so the page bundles it.
//
//   mobilenet       MobileNet v1 features of the whole frame (the article's way; chapters 03-08).
//                   Older metadata without "kind" means this.
//   mobilenet-crop  the same features of a square around the person, found by MoveNet.
//   pose            a descriptor of MoveNet's keypoints (src/pose/descriptor.ts): no pixels at all.
//   combined        several of the above, concatenated in the order given.

import { DESCRIPTORS, type DescriptorSpec } from '../pose/descriptor';
import type { DetectorSpec } from '../pose/detect';

export type MobileNetAlpha = 0.25 | 0.5 | 0.75 | 1.0;
export type ResizeFit = 'stretch' | 'letterbox';

export interface MobileNetFeatures {
  kind: 'mobilenet';
  alpha: MobileNetAlpha;
  /** [height, width] of the MobileNet input. */
  inputSize: readonly [number, number];
  /** The layer the features are read at (spatial outputs are average-pooled). */
  layer: string;
  fit: ResizeFit;
}

export interface PersonCropFeatures {
  kind: 'mobilenet-crop';
  alpha: MobileNetAlpha;
  /** Square: [side, side]. */
  inputSize: readonly [number, number];
  layer: string;
  detector: DetectorSpec;
  /**
   * The crop is the square personSquare() gives (src/pose/keypoints.ts) with these settings: its
   * side `scale` times the larger extent of the confident keypoints, at least `minFraction` of the
   * frame's larger side; outside the frame it is mid-grey. Without a person: the whole frame, letterboxed.
   */
  crop: { scale: number; minFraction: number };
}

export interface PoseFeatures {
  kind: 'pose';
  detector: DetectorSpec;
  descriptor: DescriptorSpec;
}

export type SingleFeatures = MobileNetFeatures | PersonCropFeatures | PoseFeatures;

export interface CombinedFeatures {
  kind: 'combined';
  /** Concatenated in this order. */
  parts: SingleFeatures[];
}

export type FrameFeatures = SingleFeatures | CombinedFeatures;
export type FeatureKind = FrameFeatures['kind'];
export const FEATURE_KINDS: readonly FeatureKind[] = ['mobilenet', 'mobilenet-crop', 'pose', 'combined'];

/** A model's features as its metadata declares them: the spec plus the length of one feature vector. */
export type DeclaredFeatures = FrameFeatures & { featureSize: number };

/** The parts whose features are concatenated (one part for a single kind). */
export function featureParts(spec: FrameFeatures): SingleFeatures[] {
  return spec.kind === 'combined' ? spec.parts : [spec];
}

/** Whether computing these features needs MoveNet. */
export function needsDetector(spec: FrameFeatures): boolean {
  return featureParts(spec).some((p) => p.kind !== 'mobilenet');
}

/** A short name for tables and messages: "mobilenet conv_pw_12_relu 224x224", "pose v1 (movenet x2)", ... */
export function featureLabel(spec: FrameFeatures): string {
  switch (spec.kind) {
    case 'mobilenet':
      return `mobilenet ${spec.layer} ${spec.inputSize[1]}x${spec.inputSize[0]}${spec.fit === 'letterbox' ? ' letterbox' : ''}`;
    case 'mobilenet-crop':
      return `person crop x${spec.crop.scale} -> mobilenet ${spec.layer} ${spec.inputSize[1]}x${spec.inputSize[0]}`;
    case 'pose':
      return `${spec.descriptor.name === 'kombat-pose' ? 'pose' : 'upper-body pose'} v${spec.descriptor.version} (movenet, ${spec.detector.passes} pass${spec.detector.passes > 1 ? 'es' : ''})`;
    case 'combined':
      return spec.parts.map(featureLabel).join(' + ');
  }
}

// ---- validation of untrusted JSON (metadata.json, config files) ----

type Json = Record<string, unknown>;

const ALPHAS: readonly number[] = [0.25, 0.5, 0.75, 1.0];
const FITS: readonly string[] = ['stretch', 'letterbox'];

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'expected an object');
  return value as Json;
}

function oneOf<T>(value: unknown, choices: readonly T[], where: string): T {
  if (!choices.includes(value as T))
    fail(where, `${JSON.stringify(value)} is not one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
  return value as T;
}

function positive(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    fail(where, `${JSON.stringify(value)} is not a positive number`);
  return value;
}

function size(value: unknown, where: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => Number.isInteger(v) && v >= 32 && v <= 1024))
    fail(where, `${JSON.stringify(value)} is not [height, width] in 32..1024`);
  return [value[0] as number, value[1] as number];
}

function layerName(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') fail(where, 'expected a MobileNet layer name, e.g. "conv_pw_12_relu"');
  return value;
}

function detector(value: unknown, where: string): DetectorSpec {
  const d = object(value, where);
  return {
    model: oneOf(d.model, ['movenet-singlepose-lightning-4'] as const, `${where}.model`),
    passes: oneOf(d.passes, [1, 2] as const, `${where}.passes`),
  };
}

function single(value: unknown, where: string): SingleFeatures {
  const s = object(value, where);
  // Metadata written before feature kinds existed describes whole-frame MobileNet features.
  const kind = s.kind === undefined ? 'mobilenet' : oneOf(s.kind, FEATURE_KINDS, `${where}.kind`);
  switch (kind) {
    case 'mobilenet':
      return {
        kind,
        alpha: oneOf(s.alpha, ALPHAS, `${where}.alpha`) as MobileNetAlpha,
        inputSize: size(s.inputSize, `${where}.inputSize`),
        layer: layerName(s.layer, `${where}.layer`),
        fit: oneOf(s.fit ?? 'stretch', FITS, `${where}.fit`) as ResizeFit,
      };
    case 'mobilenet-crop': {
      const inputSize = size(s.inputSize, `${where}.inputSize`);
      if (inputSize[0] !== inputSize[1]) fail(`${where}.inputSize`, 'a person crop is square: use [side, side]');
      const crop = object(s.crop, `${where}.crop`);
      return {
        kind,
        alpha: oneOf(s.alpha, ALPHAS, `${where}.alpha`) as MobileNetAlpha,
        inputSize,
        layer: layerName(s.layer, `${where}.layer`),
        detector: detector(s.detector, `${where}.detector`),
        crop: {
          scale: positive(crop.scale, `${where}.crop.scale`),
          minFraction: positive(crop.minFraction, `${where}.crop.minFraction`),
        },
      };
    }
    case 'pose': {
      const d = object(s.descriptor, `${where}.descriptor`);
      const name = oneOf(d.name, [...new Set(DESCRIPTORS.map((x) => x.name))], `${where}.descriptor.name`);
      const known = DESCRIPTORS.filter((x) => x.name === name);
      const version = oneOf(
        d.version,
        known.map((x) => x.version),
        `${where}.descriptor.version`,
      );
      const descriptor = known.find((x) => x.version === version)!;
      if (d.size !== descriptor.size)
        fail(
          `${where}.descriptor.size`,
          `${name} version ${version} has ${descriptor.size} values, not ${JSON.stringify(d.size)}`,
        );
      return { kind, detector: detector(s.detector, `${where}.detector`), descriptor: { ...descriptor } };
    }
    default:
      return fail(`${where}.kind`, '"combined" cannot be nested');
  }
}

/** Checks a feature declaration (e.g. metadata.json's "features"); the message names the field. */
export function parseFrameFeatures(value: unknown, where = 'features'): FrameFeatures {
  const s = object(value, where);
  if (s.kind !== 'combined') return single(s, where);
  if (!Array.isArray(s.parts) || s.parts.length < 2) fail(`${where}.parts`, 'expected at least two feature kinds');
  return { kind: 'combined', parts: s.parts.map((p, i) => single(p, `${where}.parts[${i}]`)) };
}

/** parseFrameFeatures plus the declared featureSize. */
export function parseDeclaredFeatures(value: unknown, where = 'features'): DeclaredFeatures {
  const featureSize = object(value, where).featureSize;
  if (!Number.isInteger(featureSize) || (featureSize as number) < 1)
    fail(`${where}.featureSize`, `${JSON.stringify(featureSize)} is not a whole number >= 1`);
  return { ...parseFrameFeatures(value, where), featureSize: featureSize as number };
}
