// How a model sees a frame: the feature kinds an exported model can declare in its metadata.json,
// and the check that a declaration is one of them. This is the contract between training, the
// CLI and the game page; it imports only pure TypeScript (no tfjs, no Node), so the page bundles it.
//
//   mobilenet       MobileNet v1 features of the whole frame (./spec.ts; the article's way, chapters
//                   03-08). Metadata written before kinds existed has no "kind" and means this.
//   mobilenet-crop  the same features of a square around the person, found by MoveNet.
//   pose            a descriptor of MoveNet's keypoints (pose/descriptor.ts): no pixels at all.
//   combined        several of the above, concatenated in the order given.
import { ALPHAS, type Alpha, FEATURE_LAYERS, featureLayerSize } from '../mobilenet/names';
import { DESCRIPTORS, type DescriptorSpec } from '../pose/descriptor';
import type { DetectorSpec } from '../pose/detect';
import type { Fit, InputSize } from '../preprocess';
import type { FeatureSpec } from './spec';

export interface PersonCropFeatures {
  kind: 'mobilenet-crop';
  alpha: Alpha;
  /** Square: [side, side]. */
  inputSize: InputSize;
  layer: string;
  detector: DetectorSpec;
  /**
   * The crop is the square personSquare() gives (pose/keypoints.ts) with these settings: its side
   * `scale` times the larger extent of the confident keypoints, at least `minFraction` of the
   * frame's larger side; outside the frame it is mid-grey. Without a person: the whole frame, letterboxed.
   */
  crop: { scale: number; minFraction: number };
}

export interface PoseFeatures {
  kind: 'pose';
  detector: DetectorSpec;
  descriptor: DescriptorSpec;
}

export type SingleFeatures = FeatureSpec | PersonCropFeatures | PoseFeatures;

export interface CombinedFeatures {
  kind: 'combined';
  /** Concatenated in this order. */
  parts: SingleFeatures[];
}

export type FrameFeatures = SingleFeatures | CombinedFeatures;
export type FeatureKind = FrameFeatures['kind'];
export const FEATURE_KINDS: readonly FeatureKind[] = ['mobilenet', 'mobilenet-crop', 'pose', 'combined'];

/** A model's features as its metadata declares them: the kind's settings plus the length of one vector. */
export type DeclaredFeatures = FrameFeatures & { featureSize: number };

/** The parts whose features are concatenated (one part for a single kind). */
export function featureParts(spec: FrameFeatures): SingleFeatures[] {
  return spec.kind === 'combined' ? spec.parts : [spec];
}

/** Whether computing these features needs MoveNet. */
export function needsDetector(spec: FrameFeatures): boolean {
  return featureParts(spec).some((p) => p.kind !== 'mobilenet');
}

/** The settings of a declaration, without its featureSize. */
export function undeclared({ featureSize: _size, ...spec }: DeclaredFeatures): FrameFeatures {
  return spec as FrameFeatures;
}

/** A declaration's whole-frame MobileNet spec; an error naming `where` for any other kind. */
export function wholeFrameSpec(spec: FrameFeatures, where: string): FeatureSpec {
  if (spec.kind !== 'mobilenet') throw new Error(`${where}: ${spec.kind} features, not whole-frame MobileNet ones`);
  const { kind, alpha, inputSize, layer, fit } = spec;
  return { kind, alpha, inputSize, layer, fit };
}

const size = (s: InputSize) => `${s[1]}x${s[0]}`;

/** A short name for tables and messages: "mobilenet conv_pw_12_relu 224x224", "pose v1 (movenet, 2 passes)", ... */
export function featureLabel(spec: FrameFeatures): string {
  switch (spec.kind) {
    case 'mobilenet':
      return `mobilenet ${spec.layer} ${size(spec.inputSize)}${spec.fit === 'letterbox' ? ' letterbox' : ''}`;
    case 'mobilenet-crop':
      return `person crop x${spec.crop.scale} -> mobilenet ${spec.layer} ${size(spec.inputSize)}`;
    case 'pose': {
      const what = spec.descriptor.name === 'kombat-pose' ? 'pose' : 'upper-body pose';
      const passes = `${spec.detector.passes} pass${spec.detector.passes > 1 ? 'es' : ''}`;
      return `${what} v${spec.descriptor.version} (movenet, ${passes})`;
    }
    case 'combined':
      return spec.parts.map(featureLabel).join(' + ');
  }
}

/** The steps from pixels to features, in words (metadata.json's "preprocessing"). */
export function describePreprocessing(spec: FrameFeatures): string {
  return featureParts(spec)
    .map((part) => {
      if (part.kind === 'pose') {
        const looks =
          part.detector.passes === 2
            ? 'whole frame letterboxed to 192x192, then again on the square around the person'
            : 'whole frame letterboxed to 192x192';
        return (
          `MoveNet SinglePose Lightning (${looks}) -> 17 keypoints -> pose descriptor ` +
          `${part.descriptor.name} v${part.descriptor.version} (${part.descriptor.size} values: position, size ` +
          'and appearance removed)'
        );
      }
      const pooled = part.layer.startsWith('conv') ? ' (average-pooled)' : '';
      const net = ` -> MobileNet v1 alpha ${part.alpha} -> ${part.layer}${pooled}`;
      if (part.kind === 'mobilenet-crop') {
        return (
          `MoveNet SinglePose Lightning keypoints -> square around the person (${part.crop.scale}x the ` +
          `keypoints' extent, mid-grey outside the frame) -> RGB 0..255 -> x/127.5-1 -> bilinear resize to ` +
          `${size(part.inputSize)}${net}`
        );
      }
      return (
        `RGB 0..255 -> x/127.5-1 -> bilinear resize (aligned corners) to ${size(part.inputSize)}` +
        (part.fit === 'letterbox' ? ', letterboxed with mid-grey where the aspect differs' : ', stretched') +
        net
      );
    })
    .join('; concatenated with: ');
}

// ---- checking untrusted JSON (metadata.json, models/config.json) ----

type Json = Record<string, unknown>;

const FITS: readonly Fit[] = ['stretch', 'letterbox'];

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

function inputSize(value: unknown, where: string): [number, number] {
  const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= 32 && (v as number) <= 1024;
  if (!Array.isArray(value) || value.length !== 2 || !value.every(ok))
    fail(where, `${JSON.stringify(value)} is not [height, width] in 32..1024`);
  return [value[0] as number, value[1] as number];
}

function layerName(value: unknown, alpha: Alpha, where: string): string {
  if (typeof value !== 'string' || featureLayerSize(value, alpha) === undefined)
    fail(where, `${JSON.stringify(value)} is not a MobileNet v1 layer; expected one of ${FEATURE_LAYERS}`);
  return value as string;
}

/** The length of the vector a kind gives: a MobileNet layer's channels (pooled), or the descriptor's values. */
function partSize(part: SingleFeatures): number {
  return part.kind === 'pose' ? part.descriptor.size : (featureLayerSize(part.layer, part.alpha) as number);
}

function detector(value: unknown, where: string): DetectorSpec {
  const d = object(value, where);
  return {
    model: oneOf(d.model, ['movenet-singlepose-lightning-4'] as const, `${where}.model`),
    passes: oneOf(d.passes, [1, 2] as const, `${where}.passes`),
  };
}

function descriptor(value: unknown, where: string): DescriptorSpec {
  const d = object(value, where);
  const name = oneOf(d.name, [...new Set(DESCRIPTORS.map((x) => x.name))], `${where}.name`);
  const known = DESCRIPTORS.filter((x) => x.name === name);
  const version = oneOf(
    d.version,
    known.map((x) => x.version),
    `${where}.version`,
  );
  const found = known.find((x) => x.version === version) as DescriptorSpec;
  if (d.size !== found.size)
    fail(`${where}.size`, `${name} version ${version} has ${found.size} values, not ${JSON.stringify(d.size)}`);
  return { ...found };
}

function single(value: unknown, where: string): SingleFeatures {
  const s = object(value, where);
  // Metadata written before feature kinds existed describes whole-frame MobileNet features.
  const kind = s.kind === undefined ? 'mobilenet' : oneOf(s.kind, FEATURE_KINDS, `${where}.kind`);
  switch (kind) {
    case 'mobilenet': {
      const alpha = oneOf(s.alpha, ALPHAS, `${where}.alpha`);
      return {
        kind,
        alpha,
        inputSize: inputSize(s.inputSize, `${where}.inputSize`),
        layer: layerName(s.layer, alpha, `${where}.layer`),
        fit: oneOf(s.fit ?? 'stretch', FITS, `${where}.fit`),
      };
    }
    case 'mobilenet-crop': {
      const side = inputSize(s.inputSize, `${where}.inputSize`);
      if (side[0] !== side[1]) fail(`${where}.inputSize`, 'a person crop is square: use [side, side]');
      const crop = object(s.crop, `${where}.crop`);
      const alpha = oneOf(s.alpha, ALPHAS, `${where}.alpha`);
      return {
        kind,
        alpha,
        inputSize: side,
        layer: layerName(s.layer, alpha, `${where}.layer`),
        detector: detector(s.detector, `${where}.detector`),
        crop: {
          scale: positive(crop.scale, `${where}.crop.scale`),
          minFraction: positive(crop.minFraction, `${where}.crop.minFraction`),
        },
      };
    }
    case 'pose':
      return {
        kind,
        detector: detector(s.detector, `${where}.detector`),
        descriptor: descriptor(s.descriptor, `${where}.descriptor`),
      };
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
  const spec = parseFrameFeatures(value, where);
  // The head reads exactly what the declared kinds give: a size that disagrees names other features.
  const gives = featureParts(spec).reduce((sum, p) => sum + partSize(p), 0);
  if (featureSize !== gives)
    fail(`${where}.featureSize`, `${featureSize} declared, but ${featureLabel(spec)} gives ${gives} values`);
  return { ...spec, featureSize: featureSize as number };
}
