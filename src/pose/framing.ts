// Webcam framings of a frame: where a laptop camera would cut a person off. Real players are
// framed close, often to the knees or the hips, and the pose detector behaves differently on a
// body that leaves the picture (it loses the legs, or guesses them at the bottom edge). Training on
// crops of the rendered frames, passed through the detector like any frame, teaches a classifier
// what the detector gives on such bodies, errors included. Pure TypeScript: no tfjs, no Node.
import { bodyFrame } from './descriptor';
import { type BodyKeypoints, type Box, KP, keypointScore, keypointY, MIN_KEYPOINT_SCORE } from './keypoints';

/** Where the bottom of the picture cuts the body. */
export type Cut = 'full' | 'knees' | 'mid-thigh' | 'hips';
export const CUTS: readonly Cut[] = ['full', 'knees', 'mid-thigh', 'hips'];

/** One framing, from uniform draws in [0, 1): which cut, how much room above the head, where across. */
export interface Framing {
  cut: Cut;
  /** Jitter of the cut line, in [0, 1). */
  jitter: number;
  /** Room above the head as a share of the picture's height: 0.02 to 0.25. */
  headroom: number;
  /** The person's horizontal place in the picture, -1 (left) to 1 (right), as a share of a fifth of its width. */
  offset: number;
}

/** Landscape webcams (16:9). */
export const WEBCAM_ASPECT = 16 / 9;
/** Crops smaller than this many pixels high say nothing a detector can use. */
const MIN_CROP_HEIGHT = 32;

/** A framing from four uniform draws: each cut equally likely. */
export function drawFraming(rng: () => number): Framing {
  return {
    cut: CUTS[Math.min(CUTS.length - 1, Math.floor(rng() * CUTS.length))],
    jitter: rng(),
    headroom: 0.02 + 0.23 * rng(),
    offset: 2 * rng() - 1,
  };
}

function meanY(k: BodyKeypoints, points: number[]): number | undefined {
  const ys = points.filter((p) => keypointScore(k, p) >= MIN_KEYPOINT_SCORE).map((p) => keypointY(k, p));
  return ys.length > 0 ? ys.reduce((a, b) => a + b, 0) / ys.length : undefined;
}

/**
 * The part of the frame a webcam framing shows, in whole pixels inside the frame, from the
 * keypoints found on the whole frame: the top of the head plus headroom down to the cut line,
 * 16:9 (narrower where the frame is), the person off centre by `offset`. Where a joint was not
 * seen its height comes from the body's proportions (a knee about one torso below the hips).
 * Undefined when no body was found or the crop would be too small to detect anything in.
 */
export function framingBox(k: BodyKeypoints, f: Framing): Box | undefined {
  const { origin: neck, unit } = bodyFrame(k);
  if (!neck.seen) return undefined;
  const head = meanY(k, [KP.nose, KP.leftEye, KP.rightEye, KP.leftEar, KP.rightEar]);
  const top = Math.min(neck.y - 0.55 * unit, head !== undefined ? head - 0.3 * unit : Infinity);
  const hips = meanY(k, [KP.leftHip, KP.rightHip]) ?? neck.y + unit;
  const knees = meanY(k, [KP.leftKnee, KP.rightKnee]) ?? hips + unit;
  const ankles = meanY(k, [KP.leftAnkle, KP.rightAnkle]) ?? knees + unit;
  const cutLine = {
    full: ankles + (0.15 + 0.3 * f.jitter) * unit,
    knees: knees + (f.jitter - 0.5) * 0.3 * unit,
    'mid-thigh': (hips + knees) / 2 + (f.jitter - 0.5) * 0.2 * unit,
    hips: hips + f.jitter * 0.15 * unit,
  }[f.cut];
  const height = (cutLine - top) / (1 - f.headroom);
  const y0 = Math.max(0, Math.round(cutLine - height));
  const y1 = Math.min(k.height, Math.round(cutLine));
  if (y1 - y0 < MIN_CROP_HEIGHT) return undefined;
  const width = Math.min(k.width, (y1 - y0) * WEBCAM_ASPECT);
  const centre = neck.x - (f.offset * width) / 5;
  const x0 = Math.round(Math.min(Math.max(0, centre - width / 2), k.width - width));
  const x1 = Math.min(k.width, x0 + Math.round(width));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Whether the raised foot (the higher of the ankles seen on the whole frame) is inside `box`: a
 * kick framed without it shows no kick, so such framings of kick frames are not kept.
 */
export function showsRaisedFoot(k: BodyKeypoints, box: Box): boolean {
  const ankles = [KP.leftAnkle, KP.rightAnkle].filter((p) => keypointScore(k, p) >= MIN_KEYPOINT_SCORE);
  if (ankles.length === 0) return false;
  return Math.min(...ankles.map((p) => keypointY(k, p))) < box.y + box.height;
}
