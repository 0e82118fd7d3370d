// Node: the models a feature spec needs, loaded from where src/mobilenet/source.ts and
// src/pose/source.ts find them. Worker threads get the resolved locations, so they load the very
// files the parent resolved (and never download).
import type * as tf from '@tensorflow/tfjs';
import { loadMobileNet, type MobileNet } from '../mobilenet/model';
import { resolveSource } from '../mobilenet/source';
import { loadMoveNet, resolveMoveNet } from '../pose/source';
import type { FrameModels } from './frame';
import {
  type FrameFeatures,
  featureParts,
  type MobileNetFeatures,
  needsDetector,
  type PersonCropFeatures,
} from './spec';

/** Where each model comes from: local folders or URLs of model.json, by MobileNet alpha. */
export interface ModelLocations {
  movenet?: string;
  mobilenet: Record<string, string>;
}

export async function resolveLocations(spec: FrameFeatures): Promise<ModelLocations> {
  const locations: ModelLocations = { mobilenet: {} };
  if (needsDetector(spec)) locations.movenet = (await resolveMoveNet()).location;
  for (const part of featureParts(spec)) {
    if (part.kind === 'pose') continue;
    locations.mobilenet[String(part.alpha)] ??= (await resolveSource({ alpha: part.alpha })).location;
  }
  return locations;
}

/** Loads what `spec` needs from `locations`; MobileNet once per (alpha, input size), cut per layer. */
export async function loadFrameModels(spec: FrameFeatures, locations: ModelLocations): Promise<FrameModels> {
  const movenet = locations.movenet ? await loadMoveNet({ url: locations.movenet }) : undefined;
  const nets = new Map<string, MobileNet>();
  const cut = new Map<string, tf.LayersModel>();
  for (const part of featureParts(spec)) {
    if (part.kind === 'pose') continue;
    const key = `${part.alpha}/${part.inputSize.join('x')}`;
    if (!nets.has(key)) {
      const url = locations.mobilenet[String(part.alpha)];
      if (!url) throw new Error(`no MobileNet location for alpha ${part.alpha}`);
      nets.set(key, await loadMobileNet({ url, alpha: part.alpha, inputSize: part.inputSize }));
    }
    const layerKey = `${key}/${part.layer}`;
    if (!cut.has(layerKey)) cut.set(layerKey, nets.get(key)!.truncate(part.layer).model);
  }
  return {
    movenet,
    mobilenet: (part: MobileNetFeatures | PersonCropFeatures) => {
      const model = cut.get(`${part.alpha}/${part.inputSize.join('x')}/${part.layer}`);
      if (!model) throw new Error(`MobileNet ${part.alpha} ${part.inputSize.join('x')} ${part.layer} was not loaded`);
      return model;
    },
    dispose: () => {
      movenet?.dispose();
      for (const net of nets.values()) net.dispose();
    },
  };
}
