// Node: encoders (./encoder.ts) over the models on this machine, found where mobilenet/source.ts
// and pose/source.ts find them. The process shares one copy of each model (encoderFor); worker
// threads get the resolved locations, so they load the very files the parent resolved and never
// download (loadLocalEncoder).
import type * as tf from '@tensorflow/tfjs';
import { locationHandler } from '../mobilenet/io';
import type { Alpha } from '../mobilenet/names';
import { type ModelSource, resolveSource } from '../mobilenet/source';
import { loadMoveNet, type MoveNetSource, resolveMoveNet } from '../pose/source';
import {
  detectorOf,
  type EncoderSources,
  extractorSettings,
  type FrameEncoder,
  loadEncoder,
  sharedEncoder,
} from './encoder';
import { type FrameFeatures, featureParts } from './kinds';
import { extractorFor } from './spec';

/** Where each model comes from (a local folder or the URL of model.json, and how it was found); MobileNet by alpha. */
export interface EncoderLocations {
  movenet?: MoveNetSource;
  mobilenet: Record<string, ModelSource>;
}

export async function resolveLocations(spec: FrameFeatures): Promise<EncoderLocations> {
  const locations: EncoderLocations = { mobilenet: {} };
  if (detectorOf(spec)) locations.movenet = await resolveMoveNet();
  for (const part of featureParts(spec)) {
    if (part.kind === 'pose') continue;
    locations.mobilenet[String(part.alpha)] ??= await resolveSource({ alpha: part.alpha });
  }
  return locations;
}

export function localSources(locations: EncoderLocations): EncoderSources {
  return {
    mobilenet: (alpha: Alpha) => {
      const source = locations.mobilenet[String(alpha)];
      if (!source) throw new Error(`no MobileNet location for alpha ${alpha}`);
      return { handler: locationHandler(source.location), source };
    },
    movenet: () => {
      const source = locations.movenet;
      if (!source) throw new Error('no MoveNet location');
      return { handler: locationHandler(source.location), location: `${source.location} (${source.kind})` };
    },
  };
}

/** An encoder owning its own copy of the models at `locations` (a worker thread's). */
export function loadLocalEncoder(spec: FrameFeatures, locations: EncoderLocations): Promise<FrameEncoder> {
  return loadEncoder(spec, localSources(locations));
}

let movenet: Promise<tf.GraphModel> | undefined;

/**
 * The encoder of `spec` over this process's shared models: MobileNet through extractorFor (loaded
 * once per alpha and input size), MoveNet loaded once. Never disposed: the models live as long as
 * the process, like extractorFor's.
 */
export async function encoderFor(spec: FrameFeatures): Promise<FrameEncoder> {
  const extractors = new Map<string, Awaited<ReturnType<typeof extractorFor>>>();
  const key = (s: ReturnType<typeof extractorSettings>) => JSON.stringify(s);
  for (const part of featureParts(spec)) {
    if (part.kind === 'pose') continue;
    const s = extractorSettings(part);
    extractors.set(key(s), await extractorFor(s));
  }
  if (detectorOf(spec)) {
    movenet ??= loadMoveNet();
    movenet.catch(() => {
      movenet = undefined; // a failed load is retried, with its message, next time
    });
  }
  return sharedEncoder(spec, detectorOf(spec) ? await movenet : undefined, (part) => {
    const found = extractors.get(key(extractorSettings(part)));
    if (!found) throw new Error(`no MobileNet extractor for ${key(extractorSettings(part))}`);
    return found;
  });
}
