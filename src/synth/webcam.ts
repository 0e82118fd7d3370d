// The "webcam" recording style: what a player in front of a laptop or monitor camera looks like,
// as opposed to the built-in style's small full-body figure in a wide room. The camera is close
// (upper body, down to the knees, or the whole body), the player faces it most of the time and
// boxes at it (straight punches foreshortened toward the lens, hooks, uppercuts), stands in guard
// between strikes, walks up to the camera and reaches for it; kicks only where the legs are in
// the picture. Chapter 09 judges this style by what it does to the score on real frames.
import {
  frontKick,
  guardBounce,
  hook,
  idle,
  type KickHeight,
  type PunchHeight,
  point,
  punch,
  reach,
  relaxedPose,
  Sequence,
  type Side,
  sideKick,
  stretch,
  Timeline,
  turn,
  uppercut,
  walk,
  wave,
} from '../body';
import { type Rng, randInt, range } from '../util/random';
import type { ClipPlan } from './clip';
import type { Camera } from './room';

export type Framing = 'upper' | 'knees' | 'full';
export const FRAMINGS: readonly Framing[] = ['upper', 'knees', 'full'];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const sideOf = (rng: Rng): Side => (rng() < 0.5 ? 'L' : 'R');

/** Facing the camera, give or take; now and then turned to three-quarter. */
function facingYaw(rng: Rng): number {
  const s = rng() < 0.5 ? -1 : 1;
  return s * (rng() < 0.75 ? range(rng, 0, 25) : range(rng, 25, 55));
}

/** Metres of the person (from the top of the head down) a framing shows. */
function shownHeight(framing: Framing, heightM: number): number {
  if (framing === 'upper') return heightM * 0.6;
  if (framing === 'knees') return heightM * 0.8;
  return heightM + 0.3;
}

/** A webcam: 55-70 degrees across, at desk or shelf height, framing the person as `framing` says. */
export function planWebcamCamera(rng: Rng, W: number, H: number, heightM: number, framing: Framing): Camera {
  const focal = W * range(rng, 0.72, 0.95);
  // The head's top 6-16% below the frame's top, the framing's lowest point near the bottom.
  const top = H * range(rng, 0.06, 0.16);
  const shown = shownHeight(framing, heightM) * range(rng, 0.95, 1.15);
  const scale = (H - top) / shown;
  const distance = focal / scale;
  return {
    scale,
    x: W / 2 + range(rng, -0.08, 0.08) * W,
    y: top + scale * (heightM + 0.06),
    distance,
    height: range(rng, 0.9, 1.5),
  };
}

export function planWebcamClip(rng: Rng, W: number, H: number, heightM: number): ClipPlan & { duration: number } {
  const framing = pick(rng, FRAMINGS);
  const camera = planWebcamCamera(rng, W, H, heightM, framing);
  const home = () => range(rng, -0.12, 0.12);
  const z0 = range(rng, -0.3, 0.05);
  // Walking up to the camera from further back, or already there.
  const walkUp = rng() < 0.4;
  const start = relaxedPose(home(), walkUp ? z0 - range(rng, 1.2, 2.2) : z0, walkUp ? 0 : facingYaw(rng));
  const seq = new Sequence(start);
  if (walkUp) walk(seq, rng, home(), z0, heightM);
  guardBounce(seq, rng, range(rng, 0.6, 1.5));

  type Block = () => void;
  const blocks: Block[] = [];
  const heights: PunchHeight[] = ['high', 'high', 'mid', 'mid', 'low'];
  const nPunch = randInt(rng, 3, 5);
  for (let b = 0; b < nPunch; b++) {
    const n = randInt(rng, 1, 3);
    blocks.push(() => {
      for (let i = 0; i < n; i++) {
        const r = rng();
        if (r < 0.55) punch(seq, rng, sideOf(rng), pick(rng, heights));
        else if (r < 0.78) hook(seq, rng, sideOf(rng));
        else uppercut(seq, rng, sideOf(rng));
      }
    });
  }
  if (framing === 'full') {
    const kheights: KickHeight[] = ['low', 'mid', 'mid', 'high'];
    const nKick = randInt(rng, 1, 3);
    for (let b = 0; b < nKick; b++)
      blocks.push(() => (rng() < 0.6 ? frontKick : sideKick)(seq, rng, sideOf(rng), pick(rng, kheights)));
  }
  const negatives: Block[] = [
    () => guardBounce(seq, rng, range(rng, 0.8, 2)),
    () => guardBounce(seq, rng, range(rng, 0.8, 2)),
    () => idle(seq, rng, range(rng, 0.8, 2)),
    () => reach(seq, rng, sideOf(rng)),
    () => wave(seq, rng, sideOf(rng)),
    () => point(seq, rng, sideOf(rng)),
    () => stretch(seq, rng),
    () => {
      // Step back and come up to the camera again.
      const back = seq.pose.z - range(rng, 0.6, 1.4);
      walk(seq, rng, home(), back, heightM);
      walk(seq, rng, home(), z0, heightM);
      turn(seq, rng, facingYaw(rng));
    },
  ];
  const nNeg = randInt(rng, 3, 5);
  for (let i = 0; i < nNeg; i++) blocks.push(pick(rng, negatives));
  for (let i = blocks.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [blocks[i], blocks[j]] = [blocks[j], blocks[i]];
  }
  for (const block of blocks) {
    if (rng() < 0.3) turn(seq, rng, facingYaw(rng));
    block();
    if (rng() < 0.25) guardBounce(seq, rng, range(rng, 0.4, 1));
  }
  idle(seq, rng, range(rng, 0.6, 1.2));
  const timeline = new Timeline(start, seq.segments);
  return { timeline, camera, frames: 0, duration: timeline.duration };
}
