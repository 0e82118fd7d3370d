// Choosing the game's decision thresholds on the validation split. The game acts on every frame,
// and a wrong action (a punch while the player stands still) is worse than a missed one: a real
// punch lasts several frames, so a frame missed is usually caught by the next. The rule therefore
// maximises the F1 of the actions subject to precision >= recall for each action, and among equally
// good points prefers the more cautious thresholds.
import { actionMetrics, type ThresholdGrid, type ThresholdPoint, thresholdSweep } from './evaluate';

/** Threshold values from `from` to `to` in `step`s, rounded to 2 decimals. */
export function thresholdRange(from: number, to: number, step: number): number[] {
  const n = Math.round((to - from) / step);
  return Array.from({ length: n + 1 }, (_, i) => Math.round((from + i * step) * 100) / 100);
}

/**
 * The grid searched for the 3-way rule, fixed before any sweep was looked at: the "other" veto and
 * the action threshold each from 0.2 to 0.9 (the article's 0.4 and 0.35 are on it). Below 0.2 the
 * veto would silence nearly every frame; above 0.9 neither threshold changes anything left to see.
 */
export const THRESHOLD_GRID: ThresholdGrid = {
  other: thresholdRange(0.2, 0.9, 0.05),
  action: thresholdRange(0.2, 0.9, 0.05),
};
/** The binary rule has one threshold. */
export const BINARY_GRID = thresholdRange(0.1, 0.9, 0.05);

export interface BinaryThresholdPoint {
  threshold: number;
  punchPrecision: number;
  punchRecall: number;
  punchF1: number;
}

export function binaryThresholdSweep(
  outputs: Float32Array,
  labels: string[],
  grid: number[] = BINARY_GRID,
): BinaryThresholdPoint[] {
  return grid.map((threshold) => {
    const p = actionMetrics({ task: 'binary', thresholds: { punch: threshold } }, outputs, labels).perClass.punch;
    return { threshold, punchPrecision: p.precision, punchRecall: p.recall, punchF1: p.f1 };
  });
}

export const THRESHOLD_RULE =
  'maximise the mean F1 of punch and kick actions on the validation split, subject to precision >= recall for ' +
  'each action (a wrong action costs more than a missed frame); ties go to the more cautious thresholds (the ' +
  'higher action threshold, then the lower "other" veto); if no point satisfies the constraint, the best F1 ' +
  'overall. The binary threshold likewise on punch alone (ties to the higher threshold)';

export interface Choice<P> {
  point: P;
  /** False when no grid point met precision >= recall and the best F1 overall was taken. */
  constrained: boolean;
}

const EPS = 1e-9;

function choose<P>(points: P[], f1: (p: P) => number, ok: (p: P) => boolean, caution: (p: P) => number): Choice<P> {
  if (points.length === 0) throw new Error('no threshold points to choose from');
  const better = (a: P, b: P) => f1(a) > f1(b) + EPS || (Math.abs(f1(a) - f1(b)) <= EPS && caution(a) > caution(b));
  const pick = (ps: P[]) => ps.reduce((best, p) => (better(p, best) ? p : best));
  const allowed = points.filter(ok);
  return allowed.length > 0 ? { point: pick(allowed), constrained: true } : { point: pick(points), constrained: false };
}

/** The 3-way thresholds by THRESHOLD_RULE. A lower "other" veto is more cautious: it silences more frames. */
export function chooseThresholds(points: ThresholdPoint[]): Choice<ThresholdPoint> {
  return choose(
    points,
    (p) => p.actionF1,
    (p) =>
      p.punchPrecision >= p.punchRecall &&
      p.kickPrecision >= p.kickRecall &&
      p.punchPrecision > 0 &&
      p.kickPrecision > 0,
    (p) => p.action - p.other / 100,
  );
}

/** The binary threshold by the same rule (punch F1, punch precision >= recall). */
export function chooseBinaryThreshold(points: BinaryThresholdPoint[]): Choice<BinaryThresholdPoint> {
  return choose(
    points,
    (p) => p.punchF1,
    (p) => p.punchPrecision >= p.punchRecall && p.punchPrecision > 0,
    (p) => p.threshold,
  );
}

/** Sweep of `action` at a fixed `other` veto (one line of the grid), for a precision / recall chart. */
export function actionSlice(
  outputs: Float32Array,
  labels: string[],
  other: number,
  actions: number[] = THRESHOLD_GRID.action,
): ThresholdPoint[] {
  return thresholdSweep(outputs, labels, { other: [other], action: actions });
}
