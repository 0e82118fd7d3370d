// Actions as keyframed animations. Each segment eases from the previous pose to its target and
// carries a phase: 'strike' for the punch/kick itself, 'windup'/'retract' next to it, else 'none'.
import { type Rng, range } from '../util/random';
import type { HandShape, Pose } from './pose';
import { lerpPose } from './pose';
import { type Vec3, v3 } from './vec';

export type Phase = 'none' | 'windup' | 'strike' | 'retract';
export type ActionClass = 'punch' | 'kick' | 'other';
export type Side = 'L' | 'R';
export type Ease = 'linear' | 'inOut' | 'out' | 'in';

export interface Segment {
  /** Seconds. */
  dur: number;
  /** Pose reached at the end of the segment. */
  pose: Pose;
  phase: Phase;
  ease: Ease;
  /** The action the segment belongs to, e.g. "punch-R-high", "wave-L". */
  action: string;
  cls: ActionClass;
}

export const ACTIONS = {
  punch: ['punch'],
  kick: ['front-kick', 'side-kick'],
  other: ['idle', 'walk', 'turn', 'wave', 'point', 'reach', 'stretch', 'crouch', 'knee-lift', 'guard', 'march'],
} as const;

export function ease(kind: Ease, t: number): number {
  const u = Math.min(1, Math.max(0, t));
  switch (kind) {
    case 'linear':
      return u;
    case 'in':
      return u * u;
    case 'out':
      return 1 - (1 - u) * (1 - u);
    default:
      return u * u * (3 - 2 * u);
  }
}

const chance = (rng: Rng, p: number): boolean => rng() < p;

/** Standing relaxed, facing `yaw`, at floor position (x, z). */
export function relaxedPose(x = 0, z = 0, yaw = 0): Pose {
  return {
    x,
    z,
    yaw,
    drop: 0,
    lean: 0,
    side: 0,
    twist: 0,
    headYaw: 0,
    headPitch: 0,
    armL: v3(0.1, -0.96, 0.04),
    armR: v3(0.1, -0.96, 0.04),
    elbowL: v3(0.2, 0, -1),
    elbowR: v3(0.2, 0, -1),
    legL: v3(0.03, 0, 0),
    legR: v3(0.03, 0, 0),
    kneeL: v3(0.15, 0, 1),
    kneeR: v3(0.15, 0, 1),
    handL: 'open',
    handR: 'open',
  };
}

type Patch = Partial<Pose>;
export const withPose = (p: Pose, patch: Patch): Pose => ({ ...p, ...patch });

function armKey(side: Side): 'armL' | 'armR' {
  return side === 'L' ? 'armL' : 'armR';
}
function legKey(side: Side): 'legL' | 'legR' {
  return side === 'L' ? 'legL' : 'legR';
}
const other = (side: Side): Side => (side === 'L' ? 'R' : 'L');
/** Twist that brings `side`'s shoulder forward. */
const twistToward = (side: Side, amount: number): number => (side === 'R' ? amount : -amount);

/** Fighting stance with the `lead` side forward and fists up by the chin. */
export function guardPose(from: Pose, lead: Side = 'L'): Pose {
  const leadArm = v3(-0.22, 0.14, 0.42);
  const rearArm = v3(-0.28, 0.1, 0.3);
  const leadLeg = v3(0.07, 0, 0.16);
  const rearLeg = v3(0.1, 0, -0.14);
  return withPose(relaxedPose(from.x, from.z, from.yaw), {
    drop: 0.06,
    lean: 6,
    twist: twistToward(lead, 12),
    headPitch: 6,
    [armKey(lead)]: leadArm,
    [armKey(other(lead))]: rearArm,
    elbowL: v3(0.35, -1, -0.1),
    elbowR: v3(0.35, -1, -0.1),
    [legKey(lead)]: leadLeg,
    [legKey(other(lead))]: rearLeg,
    kneeL: v3(0.25, 0, 1),
    kneeR: v3(0.25, 0, 1),
    handL: 'fist',
    handR: 'fist',
  });
}

function unit(v: Vec3, len: number): Vec3 {
  const l = Math.hypot(v.x, v.y, v.z) || 1;
  return v3((v.x / l) * len, (v.y / l) * len, (v.z / l) * len);
}

/** Appends segments; `pose` is where the body is after the last one. */
export class Sequence {
  readonly segments: Segment[] = [];
  pose: Pose;
  constructor(start: Pose) {
    this.pose = start;
  }
  to(pose: Pose, dur: number, action: string, cls: ActionClass, phase: Phase = 'none', easing: Ease = 'inOut'): this {
    this.segments.push({ dur, pose, phase, ease: easing, action, cls });
    this.pose = pose;
    return this;
  }
  hold(dur: number, action: string, cls: ActionClass, phase: Phase = 'none'): this {
    return this.to(this.pose, dur, action, cls, phase, 'linear');
  }
  get duration(): number {
    return this.segments.reduce((s, g) => s + g.dur, 0);
  }
}

export type PunchHeight = 'high' | 'mid' | 'low';
export type KickHeight = 'low' | 'mid' | 'high';

/** A punch with `hand` from a guard: wind-up, fast extension, hold, retraction to guard. */
export function punch(seq: Sequence, rng: Rng, hand: Side, height: PunchHeight): void {
  const name = `punch-${hand}-${height}`;
  const lead: Side = chance(rng, 0.5) ? 'L' : other(hand);
  const guard = guardPose(seq.pose, lead);
  const inGuard = seq.pose.handL === 'fist' && seq.pose.handR === 'fist' && seq.pose.drop > 0.03;
  seq.to(guard, inGuard ? range(rng, 0.12, 0.25) : range(rng, 0.35, 0.55), name, 'punch');
  const y =
    height === 'high' ? range(rng, 0.1, 0.2) : height === 'mid' ? range(rng, -0.05, 0.05) : range(rng, -0.32, -0.22);
  const windArm = v3(-0.2, 0.02, range(rng, 0.05, 0.2));
  const windup = withPose(guard, {
    [armKey(hand)]: windArm,
    twist: twistToward(hand, -range(rng, 10, 22)),
    drop: guard.drop + 0.02,
  });
  seq.to(windup, range(rng, 0.15, 0.25), name, 'punch', 'windup');
  const target = unit(v3(-range(rng, 0.15, 0.32), y, 1), range(rng, 0.95, 0.99));
  const strike = withPose(guard, {
    [armKey(hand)]: target,
    [hand === 'L' ? 'elbowL' : 'elbowR']: v3(0.6, -0.6, 0),
    twist: twistToward(hand, range(rng, 18, 32)),
    lean: guard.lean + (height === 'low' ? 14 : range(rng, 2, 8)),
    drop: guard.drop + (height === 'low' ? 0.1 : 0.02),
    side: (hand === 'R' ? -1 : 1) * range(rng, 0, 6),
  });
  seq.to(strike, range(rng, 0.07, 0.12), name, 'punch', 'strike', 'out');
  const settle = withPose(strike, { [armKey(hand)]: unit(target, range(rng, 0.93, 0.97)) });
  seq.to(settle, range(rng, 0.24, 0.38), name, 'punch', 'strike', 'linear');
  seq.to(guard, range(rng, 0.15, 0.24), name, 'punch', 'retract');
  seq.hold(range(rng, 0.15, 0.5), name, 'punch');
}

/** A hook: the elbow up and out, the fist sweeping across in front of the face with a strong twist. */
export function hook(seq: Sequence, rng: Rng, hand: Side): void {
  const name = `hook-${hand}`;
  const lead: Side = chance(rng, 0.5) ? 'L' : other(hand);
  const guard = guardPose(seq.pose, lead);
  seq.to(guard, range(rng, 0.12, 0.3), name, 'punch');
  const windup = withPose(guard, {
    [armKey(hand)]: v3(0.15, 0.05, 0.25),
    twist: twistToward(hand, -range(rng, 15, 25)),
  });
  seq.to(windup, range(rng, 0.12, 0.2), name, 'punch', 'windup');
  const strike = withPose(guard, {
    [armKey(hand)]: v3(-range(rng, 0.35, 0.5), range(rng, 0.08, 0.22), range(rng, 0.4, 0.5)),
    [hand === 'L' ? 'elbowL' : 'elbowR']: v3(1, 0.35, -0.2),
    twist: twistToward(hand, range(rng, 30, 45)),
    lean: guard.lean + range(rng, 0, 6),
  });
  seq.to(strike, range(rng, 0.08, 0.13), name, 'punch', 'strike', 'out');
  seq.hold(range(rng, 0.2, 0.32), name, 'punch', 'strike');
  seq.to(guard, range(rng, 0.15, 0.24), name, 'punch', 'retract');
  seq.hold(range(rng, 0.15, 0.4), name, 'punch');
}

/** An uppercut: the body dips and the fist drops, then drives up in front of the chin, elbow down. */
export function uppercut(seq: Sequence, rng: Rng, hand: Side): void {
  const name = `uppercut-${hand}`;
  const lead: Side = chance(rng, 0.5) ? 'L' : other(hand);
  const guard = guardPose(seq.pose, lead);
  seq.to(guard, range(rng, 0.12, 0.3), name, 'punch');
  const windup = withPose(guard, {
    [armKey(hand)]: v3(-0.1, -range(rng, 0.4, 0.55), range(rng, 0.15, 0.3)),
    twist: twistToward(hand, -range(rng, 5, 15)),
    drop: guard.drop + range(rng, 0.04, 0.08),
    side: (hand === 'R' ? 1 : -1) * range(rng, 3, 8),
  });
  seq.to(windup, range(rng, 0.15, 0.25), name, 'punch', 'windup');
  const strike = withPose(guard, {
    [armKey(hand)]: v3(-range(rng, 0.15, 0.3), range(rng, 0.2, 0.4), range(rng, 0.35, 0.5)),
    [hand === 'L' ? 'elbowL' : 'elbowR']: v3(0.2, -1, 0.1),
    twist: twistToward(hand, range(rng, 20, 32)),
    lean: guard.lean - range(rng, 2, 8),
    drop: Math.max(0, guard.drop - 0.03),
  });
  seq.to(strike, range(rng, 0.08, 0.13), name, 'punch', 'strike', 'out');
  seq.hold(range(rng, 0.2, 0.32), name, 'punch', 'strike');
  seq.to(guard, range(rng, 0.15, 0.24), name, 'punch', 'retract');
  seq.hold(range(rng, 0.15, 0.4), name, 'punch');
}

const HIP_Y = 1.07;
/** A straight leg's ankle target at height y (leg units), forward or outward. */
function straightLeg(y: number, len: number): number {
  return Math.sqrt(Math.max(0.05, len * len - (y - HIP_Y) * (y - HIP_Y)));
}

/** A front kick with `leg`: chamber (knee up), extension, hold, re-chamber, foot down. */
export function frontKick(seq: Sequence, rng: Rng, leg: Side, height: KickHeight): void {
  const name = `front-kick-${leg}-${height}`;
  const lead: Side = other(leg);
  const base = guardPose(seq.pose, lead);
  const arms = { handL: 'fist' as HandShape, handR: 'fist' as HandShape };
  seq.to(base, range(rng, 0.3, 0.5), name, 'kick');
  const standing = legKey(lead);
  const chamber = withPose(base, {
    ...arms,
    [legKey(leg)]: v3(0.02, range(rng, 0.4, 0.5), range(rng, 0.25, 0.35)),
    [leg === 'L' ? 'kneeL' : 'kneeR']: v3(0.1, 0.4, 1),
    [standing]: v3(0.04, 0, 0.02),
    lean: -4,
    drop: 0.05,
  });
  seq.to(chamber, range(rng, 0.22, 0.32), name, 'kick', 'windup');
  const y = height === 'low' ? range(rng, 0.3, 0.45) : height === 'mid' ? range(rng, 0.6, 0.8) : range(rng, 0.95, 1.1);
  const strike = withPose(chamber, {
    [legKey(leg)]: v3(0.02, y, straightLeg(y, range(rng, 0.95, 0.99))),
    [leg === 'L' ? 'kneeL' : 'kneeR']: v3(0, 1, 0.3),
    lean: height === 'high' ? -range(rng, 18, 26) : -range(rng, 6, 14),
    armL: v3(-0.1, 0.05, 0.35),
    armR: v3(-0.1, 0.0, 0.3),
  });
  seq.to(strike, range(rng, 0.08, 0.13), name, 'kick', 'strike', 'out');
  const settle = withPose(strike, { [legKey(leg)]: v3(0.02, y - 0.03, straightLeg(y - 0.03, 0.94)) });
  seq.to(settle, range(rng, 0.28, 0.42), name, 'kick', 'strike', 'linear');
  seq.to(chamber, range(rng, 0.14, 0.2), name, 'kick', 'retract');
  seq.to(base, range(rng, 0.15, 0.22), name, 'kick', 'retract');
  seq.hold(range(rng, 0.15, 0.45), name, 'kick');
}

/** A side kick with `leg`: knee across, leg out sideways with the trunk leaning away. */
export function sideKick(seq: Sequence, rng: Rng, leg: Side, height: KickHeight): void {
  const name = `side-kick-${leg}-${height}`;
  const base = guardPose(seq.pose, other(leg));
  seq.to(base, range(rng, 0.3, 0.5), name, 'kick');
  const sign = leg === 'R' ? 1 : -1;
  const chamber = withPose(base, {
    [legKey(leg)]: v3(-0.05, range(rng, 0.42, 0.52), 0.2),
    [leg === 'L' ? 'kneeL' : 'kneeR']: v3(0.5, 0.6, 0.6),
    [legKey(other(leg))]: v3(0.05, 0, 0),
    side: -sign * 10,
    drop: 0.05,
  });
  seq.to(chamber, range(rng, 0.22, 0.32), name, 'kick', 'windup');
  const y =
    height === 'low' ? range(rng, 0.35, 0.5) : height === 'mid' ? range(rng, 0.65, 0.85) : range(rng, 0.95, 1.15);
  const strike = withPose(chamber, {
    [legKey(leg)]: v3(straightLeg(y, range(rng, 0.95, 0.99)), y, range(rng, -0.05, 0.1)),
    [leg === 'L' ? 'kneeL' : 'kneeR']: v3(0, 1, 0.2),
    side: -sign * (height === 'high' ? range(rng, 30, 40) : range(rng, 18, 28)),
    [armKey(leg)]: v3(0.35, -0.5, 0.3),
  });
  seq.to(strike, range(rng, 0.08, 0.13), name, 'kick', 'strike', 'out');
  seq.hold(range(rng, 0.28, 0.42), name, 'kick', 'strike');
  seq.to(chamber, range(rng, 0.14, 0.2), name, 'kick', 'retract');
  seq.to(base, range(rng, 0.15, 0.22), name, 'kick', 'retract');
  seq.hold(range(rng, 0.15, 0.45), name, 'kick');
}

// ---- "other": everyday movements and hard negatives ----

export type IdleVariant = 'hang' | 'hips' | 'crossed' | 'clasped' | 'pockets';

export function idle(seq: Sequence, rng: Rng, seconds: number, variant?: IdleVariant): void {
  const kind = variant ?? (['hang', 'hang', 'hips', 'crossed', 'clasped', 'pockets'] as const)[Math.floor(rng() * 6)];
  const name = `idle-${kind}`;
  const p0 = relaxedPose(seq.pose.x, seq.pose.z, seq.pose.yaw);
  const arms: Patch =
    kind === 'hips'
      ? {
          armL: v3(0.45, -0.55, 0.0),
          armR: v3(0.45, -0.55, 0.0),
          elbowL: v3(1, 0, -0.3),
          elbowR: v3(1, 0, -0.3),
          handL: 'fist',
          handR: 'fist',
        }
      : kind === 'crossed'
        ? {
            armL: v3(-0.55, -0.45, 0.3),
            armR: v3(-0.5, -0.4, 0.33),
            elbowL: v3(0.5, -1, 0.2),
            elbowR: v3(0.5, -1, 0.2),
          }
        : kind === 'clasped'
          ? { armL: v3(-0.35, -0.8, 0.3), armR: v3(-0.35, -0.8, 0.3) }
          : kind === 'pockets'
            ? {
                armL: v3(0.12, -0.72, 0.12),
                armR: v3(0.12, -0.72, 0.12),
                elbowL: v3(0.6, 0, -1),
                elbowR: v3(0.6, 0, -1),
                handL: 'fist',
                handR: 'fist',
              }
            : {};
  const wide = range(rng, 0.02, 0.07);
  const base = withPose(p0, { ...arms, legL: v3(wide, 0, 0), legR: v3(wide, 0, 0) });
  seq.to(base, range(rng, 0.35, 0.6), name, 'other');
  let left = seconds;
  while (left > 0.2) {
    const d = Math.min(left, range(rng, 0.6, 1.4));
    const sway = withPose(base, {
      x: base.x + range(rng, -0.03, 0.03),
      side: range(rng, -4, 4),
      headYaw: range(rng, -25, 25),
      headPitch: range(rng, -8, 10),
      twist: range(rng, -6, 6),
      legL: v3(wide + range(rng, -0.02, 0.02), 0, range(rng, -0.04, 0.04)),
    });
    seq.to(sway, d, name, 'other');
    left -= d;
  }
}

/** Walk to floor position `toX` (metres), facing the walking direction (side or three-quarter view). */
export function walk(seq: Sequence, rng: Rng, toX: number, toZ = seq.pose.z, heightM = 1.75): void {
  const name = 'walk';
  const from = seq.pose;
  const dx = toX - from.x;
  const dz = toZ - from.z;
  const dist = Math.hypot(dx, dz);
  if (dist < 0.05) return;
  // yaw: 90 walks to screen-right, 0 walks toward the camera.
  const yaw = (Math.atan2(dx, dz) * 180) / Math.PI;
  const stepLen = 0.36 * heightM * range(rng, 0.85, 1.1);
  const steps = Math.max(2, Math.round(dist / stepLen));
  const stepDur = range(rng, 0.42, 0.55);
  const start = withPose(relaxedPose(from.x, from.z, yaw), { headYaw: range(rng, -20, 20) });
  seq.to(start, range(rng, 0.3, 0.45), name, 'other');
  const stride = Math.min(0.28, (dist / steps / 0.49 / heightM) * 0.5);
  for (let i = 0; i < steps; i++) {
    const lead: Side = i % 2 === 0 ? 'L' : 'R';
    const t = (i + 1) / steps;
    const x = from.x + dx * t;
    const z = from.z + dz * t;
    const mid = withPose(start, {
      x: from.x + dx * (t - 0.5 / steps),
      z: from.z + dz * (t - 0.5 / steps),
      [legKey(lead)]: v3(0.02, 0.09, 0.02),
      [legKey(other(lead))]: v3(0.02, 0, 0),
      [armKey(lead)]: v3(0.08, -0.97, 0.02),
      drop: 0.02,
    });
    const land = withPose(start, {
      x,
      z,
      [legKey(lead)]: v3(0.02, 0, stride),
      [legKey(other(lead))]: v3(0.02, 0.01, -stride),
      [armKey(lead)]: v3(0.08, -0.92, -0.28),
      [armKey(other(lead))]: v3(0.08, -0.9, 0.32),
      twist: twistToward(lead, -6),
      lean: 3,
    });
    seq.to(mid, stepDur / 2, name, 'other', 'none', 'linear');
    seq.to(land, stepDur / 2, name, 'other', 'none', 'linear');
  }
  seq.to(relaxedPose(toX, toZ, yaw), range(rng, 0.3, 0.45), name, 'other');
}

/** Turn on the spot to `toYaw` with two small steps. */
export function turn(seq: Sequence, rng: Rng, toYaw: number): void {
  const from = seq.pose;
  const mid = withPose(relaxedPose(from.x, from.z, (from.yaw + toYaw) / 2), {
    legL: v3(0.03, 0.06, 0.05),
    headYaw: (toYaw - from.yaw) * 0.2,
  });
  const d = range(rng, 0.3, 0.5);
  seq.to(mid, d, 'turn', 'other');
  seq.to(withPose(relaxedPose(from.x, from.z, toYaw), { legR: v3(0.03, 0.0, 0.03) }), d, 'turn', 'other');
}

export function wave(seq: Sequence, rng: Rng, hand: Side): void {
  const name = `wave-${hand}`;
  const base = relaxedPose(seq.pose.x, seq.pose.z, seq.pose.yaw);
  const up = (x: number) =>
    withPose(base, {
      [armKey(hand)]: v3(x, 0.5, 0.12),
      [hand === 'L' ? 'elbowL' : 'elbowR']: v3(1, -0.6, 0),
      [hand === 'L' ? 'handL' : 'handR']: 'open',
      side: (hand === 'R' ? -1 : 1) * 3,
    });
  seq.to(up(0.35), range(rng, 0.35, 0.5), name, 'other');
  const n = 2 + Math.floor(rng() * 4);
  for (let i = 0; i < n; i++) seq.to(up(i % 2 === 0 ? 0.15 : 0.5), range(rng, 0.2, 0.3), name, 'other');
  seq.to(base, range(rng, 0.35, 0.5), name, 'other');
}

/** Point at something: arm straight at shoulder height like a punch, but open stance, index finger, slow. */
export function point(seq: Sequence, rng: Rng, hand: Side): void {
  const name = `point-${hand}`;
  const base = relaxedPose(seq.pose.x, seq.pose.z, seq.pose.yaw);
  const dir = unit(v3(range(rng, -0.2, 0.6), range(rng, -0.1, 0.25), 1), 0.97);
  const p = withPose(base, {
    [armKey(hand)]: dir,
    [hand === 'L' ? 'handL' : 'handR']: 'point',
    headYaw: (hand === 'R' ? -1 : 1) * dir.x * 30,
    twist: twistToward(hand, range(rng, 0, 10)),
  });
  seq.to(p, range(rng, 0.45, 0.7), name, 'other');
  seq.hold(range(rng, 0.6, 1.4), name, 'other');
  seq.to(base, range(rng, 0.4, 0.6), name, 'other');
}

/** Reach toward the camera (adjusting the laptop), a step and a lean forward. */
export function reach(seq: Sequence, rng: Rng, hand: Side): void {
  const name = `reach-${hand}`;
  const base = relaxedPose(seq.pose.x, seq.pose.z, seq.pose.yaw);
  const p = withPose(base, {
    [armKey(hand)]: unit(v3(-0.1, range(rng, -0.35, 0.05), 1), 0.96),
    [hand === 'L' ? 'handL' : 'handR']: 'open',
    lean: range(rng, 10, 22),
    legL: v3(0.04, 0, 0.15),
    headPitch: 10,
  });
  seq.to(p, range(rng, 0.5, 0.8), name, 'other');
  seq.hold(range(rng, 0.4, 1.0), name, 'other');
  seq.to(base, range(rng, 0.5, 0.7), name, 'other');
}

export function stretch(seq: Sequence, rng: Rng): void {
  const kind = Math.floor(rng() * 3);
  const name = `stretch-${['up', 'side', 'tee'][kind]}`;
  const base = relaxedPose(seq.pose.x, seq.pose.z, seq.pose.yaw);
  const open: Patch = { handL: 'open', handR: 'open' };
  const poses: Pose[] =
    kind === 0
      ? [withPose(base, { ...open, armL: v3(0.15, 0.97, 0.05), armR: v3(0.15, 0.97, 0.05), lean: -6, headPitch: -10 })]
      : kind === 1
        ? [
            withPose(base, {
              ...open,
              armL: v3(0.0, 0.95, 0.1),
              armR: v3(0.1, -0.9, 0),
              side: 18,
              legL: v3(0.1, 0, 0),
              legR: v3(0.1, 0, 0),
            }),
            withPose(base, {
              ...open,
              armR: v3(0.0, 0.95, 0.1),
              armL: v3(0.1, -0.9, 0),
              side: -18,
              legL: v3(0.1, 0, 0),
              legR: v3(0.1, 0, 0),
            }),
          ]
        : [
            withPose(base, {
              ...open,
              armL: v3(0.97, 0.1, 0.05),
              armR: v3(0.97, 0.1, 0.05),
              twist: range(rng, -20, 20),
            }),
          ];
  for (const p of poses) {
    seq.to(p, range(rng, 0.5, 0.8), name, 'other');
    seq.hold(range(rng, 0.5, 1.1), name, 'other');
  }
  seq.to(base, range(rng, 0.45, 0.7), name, 'other');
}

export function crouch(seq: Sequence, rng: Rng): void {
  const name = 'crouch';
  const base = relaxedPose(seq.pose.x, seq.pose.z, seq.pose.yaw);
  const down = withPose(base, {
    drop: range(rng, 0.3, 0.42),
    lean: range(rng, 20, 35),
    legL: v3(0.08, 0, 0.05),
    legR: v3(0.08, 0, 0.0),
    kneeL: v3(0.4, 0, 1),
    kneeR: v3(0.4, 0, 1),
    armL: v3(0.0, -0.6, 0.6),
    armR: v3(0.05, -0.75, 0.5),
    headPitch: 10,
  });
  seq.to(down, range(rng, 0.5, 0.8), name, 'other');
  seq.hold(range(rng, 0.5, 1.2), name, 'other');
  seq.to(base, range(rng, 0.5, 0.8), name, 'other');
}

/** Lift a knee (while walking on the spot / marching): looks like a kick's chamber. */
export function kneeLift(seq: Sequence, rng: Rng, count: number): void {
  const name = 'knee-lift';
  const base = relaxedPose(seq.pose.x, seq.pose.z, seq.pose.yaw);
  for (let i = 0; i < count; i++) {
    const leg: Side = i % 2 === 0 ? 'R' : 'L';
    const up = withPose(base, {
      [legKey(leg)]: v3(0.03, range(rng, 0.3, 0.55), range(rng, 0.2, 0.35)),
      [leg === 'L' ? 'kneeL' : 'kneeR']: v3(0.1, 0.3, 1),
      [armKey(leg)]: v3(0.1, -0.85, -0.3),
      [armKey(other(leg))]: v3(0.05, -0.7, 0.45),
      [leg === 'L' ? 'elbowR' : 'elbowL']: v3(0.2, -0.5, -1),
      lean: range(rng, -3, 5),
    });
    seq.to(up, range(rng, 0.3, 0.45), name, 'other');
    seq.to(base, range(rng, 0.3, 0.45), name, 'other');
  }
}

/** Standing in guard, bouncing: fighting stance without a strike. */
export function guardBounce(seq: Sequence, rng: Rng, seconds: number): void {
  const name = 'guard';
  const g = guardPose(seq.pose, chance(rng, 0.6) ? 'L' : 'R');
  seq.to(g, range(rng, 0.35, 0.5), name, 'other');
  let t = seconds;
  let up = true;
  while (t > 0.15) {
    const d = range(rng, 0.22, 0.32);
    seq.to(withPose(g, { drop: up ? 0.02 : 0.1, x: g.x + range(rng, -0.03, 0.03) }), d, name, 'other');
    up = !up;
    t -= d;
  }
}

/** Pose and phase of a segment list at time t (seconds from its start). */
export interface Sample {
  pose: Pose;
  phase: Phase;
  cls: ActionClass;
  action: string;
}

export class Timeline {
  readonly starts: number[] = [];
  readonly duration: number;
  constructor(
    readonly start: Pose,
    readonly segments: Segment[],
  ) {
    let t = 0;
    for (const s of segments) {
      this.starts.push(t);
      t += s.dur;
    }
    this.duration = t;
  }
  at(t: number): Sample {
    const n = this.segments.length;
    if (n === 0) return { pose: this.start, phase: 'none', cls: 'other', action: 'idle' };
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    const seg = this.segments[lo];
    const prev = lo === 0 ? this.start : this.segments[lo - 1].pose;
    const u = seg.dur > 0 ? ease(seg.ease, (t - this.starts[lo]) / seg.dur) : 1;
    return { pose: lerpPose(prev, seg.pose, u), phase: seg.phase, cls: seg.cls, action: seg.action };
  }
}

/** One standalone animation (e.g. for the game or a test): the action from a relaxed or guard start. */
export function animate(action: (seq: Sequence) => void, start: Pose = relaxedPose()): Timeline {
  const seq = new Sequence(start);
  action(seq);
  return new Timeline(start, seq.segments);
}
