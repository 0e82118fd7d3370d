// Playing, judged over time as a player feels it. A clip's frames go through a model and the
// decision rule at the page's rate (one prediction per 100 ms), and the actions fired are set
// against the clip's label ranges: did each punch or kick make the fighter answer, how late, what
// else fired during it, and how often the fighter moved while the player did something else.
// Anything that yields timed actions can be judged: the offline chapters, or a page in a browser.
import { type LabelRange, rangeAt } from '../data/labels';
import { type Action, type BodyView, held, type ModelRule } from '../decision';
import { type Spread, spread } from '../util/stats';
import { actionsOf } from './evaluate';

/** The page predicts once every 100 ms. */
export const PLAY_FPS = 10;

/** Labels files round times to microseconds: a frame at a range's start belongs to it. */
const NUDGE = 1e-6;

export type StrikeKind = 'punch' | 'kick';
export const STRIKE_KINDS: readonly StrikeKind[] = ['punch', 'kick'];

/** The action taken on the frame shown at `time` (seconds from the clip's start). */
export interface TimedAction {
  time: number;
  action: Action;
}

/**
 * The action fired on each frame of a stream: `outputs` holds one row per time (3 values, or 1 for a
 * binary model), `views` each frame's body view where the model's features come from a detector;
 * an action fires once the rule has given it on `hold` frames in a row (1, the page's rule: each frame on its own).
 */
export function timeline(
  rule: ModelRule,
  times: readonly number[],
  outputs: Float32Array,
  views?: readonly BodyView[],
  hold = 1,
): TimedAction[] {
  const units = rule.task === 'ternary' ? 3 : 1;
  if (outputs.length !== times.length * units) {
    throw new Error(`${outputs.length} outputs for ${times.length} frames of a ${rule.task} model`);
  }
  return held(actionsOf(rule, outputs, views), hold).map((action, i) => ({ time: times[i], action }));
}

export interface StrikeJudgement {
  kind: StrikeKind;
  /** The labelled strike, [start, end) in seconds. */
  start: number;
  end: number;
  /** The movement around it: the strike with the ambiguous wind-up and return that touch it. */
  motion: { start: number; end: number };
  /** The first frame within [start, end); undefined when no frame falls in it. */
  firstFrame?: number;
  /** The right action fired on a frame within [start, end). */
  hit: boolean;
  /** The right action fired anywhere in the movement. */
  answered: boolean;
  /** Seconds from the first frame to the first right action in the movement (negative: in the wind-up). */
  delay?: number;
  /** Actions fired during the movement: the right one (repeats included) and the others. */
  rightActions: number;
  wrongActions: number;
}

export interface ClipJudgement {
  /** Seconds of the clip judged (up to its last frame). */
  seconds: number;
  frames: number;
  strikes: StrikeJudgement[];
  /** Seconds labelled "other", and the actions fired in them: the fighter moving on its own. */
  otherSeconds: number;
  otherActions: Record<StrikeKind, number>;
  /**
   * Of those, the ones that start a run (the frame before fired something else): moves the fighter
   * starts by itself. A run that began during a strike's movement and outlasts it is not counted.
   */
  otherMoves: Record<StrikeKind, number>;
  /** Actions neither in a strike's movement nor in "other" (ambiguous time away from strikes, unlabelled time). */
  elsewhereActions: number;
}

const inside = (t: number, start: number, end: number) => start <= t + NUDGE && t + NUDGE < end;

/** The strikes of a clip with their movements: each punch or kick range widened by the ambiguous ranges it touches. */
function strikesOf(ranges: readonly LabelRange[]) {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const touching = (a: number, b: number) => Math.abs(a - b) <= NUDGE;
  return sorted.flatMap((r, i) => {
    if (r.label !== 'punch' && r.label !== 'kick') return [];
    const before = sorted[i - 1];
    const after = sorted[i + 1];
    const start = before?.label === 'ambiguous' && touching(before.end, r.start) ? before.start : r.start;
    const end = after?.label === 'ambiguous' && touching(after.start, r.end) ? after.end : r.end;
    return [{ kind: r.label as StrikeKind, start: r.start, end: r.end, motion: { start, end } }];
  });
}

/**
 * Judges one clip's timed actions against its label ranges. The clip spans from 0 to its last
 * frame plus one frame interval; label time beyond that is not counted.
 */
export function judgeClip(ranges: readonly LabelRange[], actions: readonly TimedAction[]): ClipJudgement {
  const times = actions.map((a) => a.time);
  const step = times.length > 1 ? (times[times.length - 1] - times[0]) / (times.length - 1) : 1 / PLAY_FPS;
  const seconds = times.length === 0 ? 0 : times[times.length - 1] + step;
  const strikes: StrikeJudgement[] = strikesOf(ranges).map((s) => {
    const firstFrame = times.find((t) => inside(t, s.start, s.end));
    const during = actions.filter((a) => a.action !== 'none' && inside(a.time, s.motion.start, s.motion.end));
    const right = during.filter((a) => a.action === s.kind);
    const delay = right.length > 0 && firstFrame !== undefined ? right[0].time - firstFrame : undefined;
    return {
      ...s,
      firstFrame,
      hit: right.some((a) => inside(a.time, s.start, s.end)),
      answered: right.length > 0,
      delay,
      rightActions: right.length,
      wrongActions: during.length - right.length,
    };
  });
  const otherActions: Record<StrikeKind, number> = { punch: 0, kick: 0 };
  const otherMoves: Record<StrikeKind, number> = { punch: 0, kick: 0 };
  let elsewhereActions = 0;
  for (const [i, a] of actions.entries()) {
    if (a.action === 'none' || strikes.some((s) => inside(a.time, s.motion.start, s.motion.end))) continue;
    if (rangeAt(ranges, a.time + NUDGE)?.label === 'other') {
      otherActions[a.action]++;
      if (actions[i - 1]?.action !== a.action) otherMoves[a.action]++;
    } else elsewhereActions++;
  }
  const otherSeconds = ranges
    .filter((r) => r.label === 'other')
    .reduce((sum, r) => sum + Math.max(0, Math.min(r.end, seconds) - r.start), 0);
  return { seconds, frames: actions.length, strikes, otherSeconds, otherActions, otherMoves, elsewhereActions };
}

export interface StrikeScore {
  strikes: number;
  /** Share of strikes with the right action on a frame of the strike itself. */
  hitRate: number;
  /** Share with the right action anywhere in the movement (wind-up, strike, return). */
  answeredRate: number;
  /** Seconds from a strike's first frame to its first right action, over the answered strikes; null if none. */
  delay: Spread | null;
  /** Wrong actions fired during a strike's movement, per strike. */
  wrongPerStrike: number;
  /** Right actions per strike (more than one: the fighter strikes again). */
  rightPerStrike: number;
}

export interface PlayScore {
  clips: number;
  frames: number;
  minutes: number;
  strikes: Record<StrikeKind, StrikeScore> & { all: StrikeScore };
  otherMinutes: number;
  otherActions: Record<StrikeKind, number>;
  otherMoves: Record<StrikeKind, number>;
  /** Punches and kicks fired per minute of "other" (one per frame, as the page calls the game). */
  actionsPerOtherMinute: number;
  /** Runs of them started per minute of "other": moves the fighter starts while the player does not strike. */
  movesPerOtherMinute: number;
  elsewhereActions: number;
}

function strikeScore(strikes: readonly StrikeJudgement[]): StrikeScore {
  const n = strikes.length;
  const share = (count: number) => (n === 0 ? 0 : count / n);
  const delays = strikes.flatMap((s) => (s.delay === undefined ? [] : [s.delay]));
  return {
    strikes: n,
    hitRate: share(strikes.filter((s) => s.hit).length),
    answeredRate: share(strikes.filter((s) => s.answered).length),
    delay: delays.length === 0 ? null : spread(delays),
    wrongPerStrike: share(strikes.reduce((sum, s) => sum + s.wrongActions, 0)),
    rightPerStrike: share(strikes.reduce((sum, s) => sum + s.rightActions, 0)),
  };
}

/** The judgements of several clips, added up. */
export function playScore(clips: readonly ClipJudgement[]): PlayScore {
  const strikes = clips.flatMap((c) => c.strikes);
  const otherMinutes = clips.reduce((sum, c) => sum + c.otherSeconds, 0) / 60;
  const total = (counts: (c: ClipJudgement) => Record<StrikeKind, number>) => ({
    punch: clips.reduce((sum, c) => sum + counts(c).punch, 0),
    kick: clips.reduce((sum, c) => sum + counts(c).kick, 0),
  });
  const otherActions = total((c) => c.otherActions);
  const otherMoves = total((c) => c.otherMoves);
  const perMinute = (counts: Record<StrikeKind, number>) =>
    otherMinutes > 0 ? (counts.punch + counts.kick) / otherMinutes : 0;
  return {
    clips: clips.length,
    frames: clips.reduce((sum, c) => sum + c.frames, 0),
    minutes: clips.reduce((sum, c) => sum + c.seconds, 0) / 60,
    strikes: {
      punch: strikeScore(strikes.filter((s) => s.kind === 'punch')),
      kick: strikeScore(strikes.filter((s) => s.kind === 'kick')),
      all: strikeScore(strikes),
    },
    otherMinutes,
    otherActions,
    otherMoves,
    actionsPerOtherMinute: perMinute(otherActions),
    movesPerOtherMinute: perMinute(otherMoves),
    elsewhereActions: clips.reduce((sum, c) => sum + c.elsewhereActions, 0),
  };
}
