// A clip's script: what the subject does (like a real recording: walking in, idling, 2-4 punches,
// 2-4 kicks, hard negatives, turning to new views), where the camera is, and the frame labels.
import {
  type ActionClass,
  crouch,
  frontKick,
  guardBounce,
  idle,
  type KickHeight,
  kneeLift,
  type Phase,
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
  walk,
  wave,
} from '../body';
import { type Rng, randInt, range } from '../util/random';
import type { Camera } from './room';

export type AmbiguousMode = 'exclude' | 'action' | 'other';
export const AMBIGUOUS_MODES: readonly AmbiguousMode[] = ['exclude', 'action', 'other'];
export const LABELS = ['punch', 'kick', 'other', 'ambiguous'] as const;
export type Label = (typeof LABELS)[number];

export interface ClipPlan {
  timeline: Timeline;
  camera: Camera;
  frames: number;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const sideOf = (rng: Rng): Side => (rng() < 0.5 ? 'L' : 'R');

/** Facing for strikes: mostly three-quarter or profile so the limb shows; sometimes frontal. */
export function strikeYaw(rng: Rng): number {
  const s = rng() < 0.5 ? -1 : 1;
  const r = rng();
  return s * (r < 0.1 ? range(rng, 0, 20) : r < 0.65 ? range(rng, 25, 60) : range(rng, 65, 95));
}
function anyYaw(rng: Rng): number {
  const r = rng();
  const s = rng() < 0.5 ? -1 : 1;
  return s * (r < 0.45 ? range(rng, 0, 20) : r < 0.8 ? range(rng, 25, 60) : range(rng, 65, 95));
}

/** Camera for a W x H frame with the whole body of a `heightM` person inside it. */
export function planCamera(rng: Rng, W: number, H: number, heightM: number): Camera {
  const focal = H * range(rng, 1.1, 1.4);
  const y = H * range(rng, 0.88, 0.95);
  // Largest size that keeps the head (plus hair, plus walking 0.4 m closer) inside the frame.
  const minDistance = (focal * (heightM + 0.12)) / (y - 4) + 0.45;
  const distance = Math.max(minDistance, range(rng, 2.3, 3.9));
  return {
    scale: focal / distance,
    x: W / 2 + range(rng, -0.12, 0.12) * W,
    y,
    distance,
    height: range(rng, 0.85, 1.35),
  };
}

/** Everyday movements that look like strikes or not at all (the "other" class), each appending to `seq`. */
export function negativeMoves(seq: Sequence, rng: Rng): (() => void)[] {
  return [
    () => point(seq, rng, sideOf(rng)),
    () => reach(seq, rng, sideOf(rng)),
    () => wave(seq, rng, sideOf(rng)),
    () => stretch(seq, rng),
    () => crouch(seq, rng),
    () => kneeLift(seq, rng, randInt(rng, 2, 4)),
    () => guardBounce(seq, rng, range(rng, 0.8, 1.8)),
    () => idle(seq, rng, range(rng, 0.8, 2)),
  ];
}

export function planClip(rng: Rng, W: number, H: number, heightM: number): ClipPlan & { duration: number } {
  const camera = planCamera(rng, W, H, heightM);
  // Keep the whole body (with a kick's reach) in the frame.
  const margin = 0.62 * heightM;
  const xLo = -camera.x / camera.scale + margin;
  const xHi = (W - camera.x) / camera.scale - margin;
  const clampX = (x: number) => Math.min(Math.max(x, xLo), Math.max(xLo, xHi));
  const home = () => clampX(range(rng, xLo, xHi) * 0.6 + (xLo + xHi) * 0.2);
  const z0 = range(rng, -0.4, 0.15);

  const walkIn = rng() < 0.6;
  const startX = walkIn ? (rng() < 0.5 ? xLo : xHi) : home();
  const start = relaxedPose(startX, z0, walkIn ? (startX < 0 ? 90 : -90) : anyYaw(rng));
  const seq = new Sequence(start);
  if (walkIn) {
    walk(seq, rng, home(), z0, heightM);
    turn(seq, rng, anyYaw(rng));
  }
  idle(seq, rng, range(rng, 0.8, 2));

  type Block = () => void;
  const blocks: Block[] = [];
  const strikes = new Set<Block>();
  const nPunch = randInt(rng, 2, 4);
  const nKick = randInt(rng, 2, 4);
  const heights: PunchHeight[] = ['high', 'mid', 'mid', 'low'];
  const kheights: KickHeight[] = ['low', 'mid', 'mid', 'high'];
  let p = nPunch;
  while (p > 0) {
    const n = Math.min(p, randInt(rng, 1, 2));
    p -= n;
    const b: Block = () => {
      for (let i = 0; i < n; i++) punch(seq, rng, sideOf(rng), pick(rng, heights));
    };
    blocks.push(b);
    strikes.add(b);
  }
  let k = nKick;
  while (k > 0) {
    const n = Math.min(k, randInt(rng, 1, 2));
    k -= n;
    const b: Block = () => {
      for (let i = 0; i < n; i++) (rng() < 0.6 ? frontKick : sideKick)(seq, rng, sideOf(rng), pick(rng, kheights));
    };
    blocks.push(b);
    strikes.add(b);
  }
  const negatives: Block[] = negativeMoves(seq, rng);
  const nNeg = randInt(rng, 2, 4);
  for (let i = 0; i < nNeg; i++) blocks.push(pick(rng, negatives));
  for (let i = blocks.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [blocks[i], blocks[j]] = [blocks[j], blocks[i]];
  }
  for (const block of blocks) {
    // Between blocks: sometimes turn to a new view or walk to a new spot.
    const r = rng();
    // Strikes straight at the camera are foreshortened; mostly turn to show them.
    const frontal = Math.abs(seq.pose.yaw) < 22 || Math.abs(seq.pose.yaw) > 158;
    if (r < 0.35 || (strikes.has(block) && frontal && rng() < 0.8))
      turn(seq, rng, strikes.has(block) ? strikeYaw(rng) : anyYaw(rng));
    else if (r < 0.5) {
      walk(seq, rng, home(), Math.min(0.3, Math.max(-0.5, z0 + range(rng, -0.3, 0.3))), heightM);
      turn(seq, rng, strikeYaw(rng));
    }
    block();
    if (rng() < 0.3) idle(seq, rng, range(rng, 0.5, 1.2));
  }
  if (rng() < 0.4) walk(seq, rng, rng() < 0.5 ? xLo : xHi, seq.pose.z, heightM);
  else idle(seq, rng, range(rng, 0.6, 1.5));
  const timeline = new Timeline(start, seq.segments);
  return { timeline, camera, frames: 0, duration: timeline.duration };
}

/** Label of a frame from its animation phase and class. */
export function labelOf(phase: Phase, cls: ActionClass, ambiguous: AmbiguousMode): Label {
  if (cls === 'other' || phase === 'none') return 'other';
  if (phase === 'strike') return cls;
  return ambiguous === 'exclude' ? 'ambiguous' : ambiguous === 'action' ? cls : 'other';
}

export interface LabelRange {
  start: number;
  end: number;
  label: Label;
}

/** Merges per-frame labels into half-open [start, end) second ranges at `fps`. */
export function frameRanges(labels: Label[], fps: number): LabelRange[] {
  const out: LabelRange[] = [];
  let i0 = 0;
  for (let i = 1; i <= labels.length; i++) {
    if (i === labels.length || labels[i] !== labels[i0]) {
      out.push({ start: i0 / fps, end: i / fps, label: labels[i0] });
      i0 = i;
    }
  }
  return out;
}

/** `start,end,label` CSV; times to microseconds, so round(t * fps) recovers frame indices. */
export function labelsCsv(ranges: LabelRange[]): string {
  const t = (x: number) => x.toFixed(6);
  return `start,end,label\n${ranges.map((r) => `${t(r.start)},${t(r.end)},${r.label}`).join('\n')}\n`;
}
