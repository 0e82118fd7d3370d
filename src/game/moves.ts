// The fighters' moves, animated by the same body model that renders the synthetic people: a punch
// here is the punch the classifier was trained to see. Each move is a Timeline plus its timing in
// game seconds (played faster than the recordings: a game punch should not take a second and a half).
import {
  frontKick,
  guardPose,
  type Pose,
  punch,
  relaxedPose,
  type Segment,
  Sequence,
  Timeline,
  v3,
  withPose,
} from '../body';
import { mulberry32 } from '../util/random';

export const MOVE_KINDS = ['stand', 'punch', 'kick', 'hit', 'down', 'win'] as const;
export type MoveKind = (typeof MOVE_KINDS)[number];

export interface Move {
  kind: MoveKind;
  timeline: Timeline;
  /** Animation seconds per game second. */
  speed: number;
  /** Stand repeats; the others end (down and win stay on their last pose). */
  loop: boolean;
  /** Length in game seconds. */
  duration: number;
  /** Game seconds during which the strike can land: the body model's 'strike' phase. */
  strike?: { from: number; to: number };
}

export type MoveSet = Record<MoveKind, Move>;

/** The seeds of the canvas game's two fighters' moves (player 1, the computer). */
export const MOVE_SEEDS = [1, 2] as const;

/** Strikes play this much faster than the recorded people move. */
const STRIKE_SPEED = 1.5;

function makeMove(kind: MoveKind, start: Pose, segments: Segment[], speed: number, loop = false): Move {
  const timeline = new Timeline(start, segments);
  let strike: Move['strike'];
  let t = 0;
  for (const s of segments) {
    if (s.phase === 'strike') {
      strike = { from: Math.min(strike?.from ?? Infinity, t / speed), to: (t + s.dur) / speed };
    }
    t += s.dur;
  }
  return { kind, timeline, speed, loop, duration: timeline.duration / speed, strike };
}

/** A strike's segments up to the end of its retraction (the recordings' idle hold after it is left out). */
function untilRetracted(segments: Segment[]): Segment[] {
  let last = segments.length - 1;
  while (last > 0 && segments[last].phase === 'none') last--;
  return segments.slice(0, last + 1);
}

/** One fighter's moves; `seed` picks the small variations of the body model's strikes. */
export function fighterMoves(seed: number): MoveSet {
  const rng = mulberry32(seed);
  const guard = guardPose(relaxedPose(), 'L');

  const stand = new Sequence(guard);
  for (const drop of [0.1, 0.06, 0.1, 0.06]) stand.to(withPose(guard, { drop }), 0.3, 'guard', 'other');

  const jab = new Sequence(guard);
  punch(jab, rng, 'R', 'high');
  const kick = new Sequence(guard);
  frontKick(kick, rng, 'R', 'mid');

  const hit = new Sequence(guard);
  const recoil = withPose(guard, { lean: -14, headPitch: -18, drop: 0.08, twist: -10, armL: v3(-0.1, 0.3, 0.2) });
  hit.to(recoil, 0.08, 'hit', 'other', 'none', 'out').hold(0.14, 'hit', 'other').to(guard, 0.2, 'hit', 'other');

  const down = new Sequence(guard);
  const slumped = withPose(guard, {
    drop: 0.42,
    lean: 40,
    headPitch: 35,
    armL: v3(0.05, -0.7, 0.55),
    armR: v3(0.1, -0.8, 0.4),
    kneeL: v3(0.4, 0, 1),
    kneeR: v3(0.4, 0, 1),
    handL: 'open',
    handR: 'open',
  });
  down.to(slumped, 0.6, 'down', 'other', 'none', 'in');

  const win = new Sequence(guard);
  const raised = withPose(guard, { armL: v3(0.25, 0.95, 0.05), armR: v3(0.25, 0.95, 0.05), drop: 0, lean: -4 });
  win.to(raised, 0.4, 'win', 'other').hold(0.6, 'win', 'other');

  return {
    stand: makeMove('stand', guard, stand.segments, 1, true),
    punch: makeMove('punch', guard, untilRetracted(jab.segments), STRIKE_SPEED),
    kick: makeMove('kick', guard, untilRetracted(kick.segments), STRIKE_SPEED),
    hit: makeMove('hit', guard, hit.segments, 1),
    down: makeMove('down', guard, down.segments, 1),
    win: makeMove('win', guard, win.segments, 1),
  };
}

/** The pose `t` game seconds into `move`. */
export function poseAt(move: Move, t: number): Pose {
  const local = move.loop ? t % move.duration : Math.min(t, move.duration);
  return move.timeline.at(local * move.speed).pose;
}
