// How chapter 09 picks the default model, written and committed (with the candidates of
// ./methods.ts and their training settings) before any method was scored on real frames. The real
// frames are one man in two rooms; the choice will be judged on other people, so the rule looks at
// the real frames once, with a margin that treats differences within about one standard error as
// ties, and breaks ties toward what depends least on appearance.
//
// Second round: the rule is unchanged; it ranks the second round's 3-way candidates with the first
// round's eight, in one run. Two additions, written before any of them was scored on real frames:
// the tie order places them first (pose-only, and trained on the framings a webcam gives, which is
// what other players' frames will look like), and a candidate without a 3-way model (the
// upper-body punch detector) is reported but not ranked, since the defaults include a 3-way model
// and the rule's synthetic check is 3-way accuracy.
//
// Fifth round: its two methods were registered after every earlier round's real-frame numbers had been
// seen, so they cannot win a tie: the rule is applied as before to the earlier methods, and a fifth-round
// method replaces that choice only if it is eligible and its real-frame balanced accuracy beats the
// choice's by more than the tie margin (the best of them, if several do).
import { fifthRound, type MethodId } from './methods';

/** Registered after the earlier rounds' real-frame numbers had been seen: they can only win outright. */
export const FIFTH_ROUND: readonly MethodId[] = fifthRound().map((m) => m.id);

/** Points of synthetic 3-way test accuracy a method may lose against today's whole-frame model. */
export const SYNTHETIC_MARGIN = 0.03;
/** Balanced accuracies this close to the best are ties (about one standard error on 181 + 401 frames). */
export const TIE_MARGIN = 0.02;

/** Least appearance-dependent first; within a kind, trained on more varied renders first. */
export const GENERALISATION_ORDER: readonly MethodId[] = [
  'pose2-framed+webcam',
  'pose-framed+webcam',
  'pose2+webcam',
  'pose+webcam',
  'pose2-framed',
  'pose-framed',
  'pose',
  'pose-and-crop+webcam',
  'pose-and-crop',
  'person-crop+webcam',
  'person-crop',
  'whole-frame+webcam',
  'whole-frame',
];

export const SELECTION_RULE =
  `(1) eligible: 3-way accuracy on the built-in synthetic test split at least that of the whole-frame ` +
  `MobileNet method (today's set-up, trained in the same run) minus ${SYNTHETIC_MARGIN * 100} points; ` +
  `(2) among the eligible, the highest balanced accuracy on the real frames, punch vs. not punch, from the ` +
  `3-way model's arg-max folded (punch -> punch; kick or other -> not punch); ` +
  `(3) methods within ${TIE_MARGIN} of that best are tied, and among them the one that depends least on ` +
  `appearance wins (pose, pose + crop, person crop, whole frame; with webcam renders before without; ` +
  `among pose methods, ` +
  `those trained on webcam framings and the version-2 descriptor first: pose2-framed, pose-framed, pose2, pose). ` +
  `Only methods with a 3-way model are ranked; the upper-body punch detector is reported, not ranked. ` +
  `The real frames are scored once, for this choice only: nothing is tuned on them. ` +
  `(4) The fifth round's methods (pose-framed, pose2-framed), registered after the earlier rounds' real-frame ` +
  `numbers had been seen, do not take part in (2) and (3): one of them replaces that choice only if it is ` +
  `eligible and beats the choice's real-frame balanced accuracy by more than ${TIE_MARGIN} (the best of them). ` +
  `Without real frames the choice recorded in models/config.json stands.`;

export interface MethodScore {
  id: MethodId;
  /** 3-way accuracy on the built-in test split. */
  syntheticTestAccuracy: number;
  /** Balanced accuracy on the real frames, punch vs. not punch (folded 3-way arg-max). */
  realBalancedAccuracy: number;
}

export interface MethodChoice {
  id: MethodId;
  eligible: MethodId[];
  tied: MethodId[];
  /** The synthetic accuracy a method needed to be eligible. */
  syntheticFloor: number;
  /** The best real-frame balanced accuracy among the earlier rounds' eligible methods. */
  bestReal: number;
  /** What a fifth-round method had to beat: the earlier rounds' choice's real score plus TIE_MARGIN. */
  fifthRoundBar: number;
}

/** SELECTION_RULE over the scores of every 3-way candidate (the whole-frame method among them). */
export function chooseMethod(scores: readonly MethodScore[]): MethodChoice {
  const unranked = scores.filter((s) => !GENERALISATION_ORDER.includes(s.id));
  if (unranked.length > 0)
    throw new Error(`the selection rule ranks 3-way methods only, not ${unranked.map((s) => s.id).join(', ')}`);
  const reference = scores.find((s) => s.id === 'whole-frame');
  if (!reference) throw new Error('the selection rule needs the whole-frame method as its reference');
  const floor = reference.syntheticTestAccuracy - SYNTHETIC_MARGIN;
  const eligible = scores.filter((s) => s.syntheticTestAccuracy >= floor - 1e-9);
  const earlier = eligible.filter((s) => !FIFTH_ROUND.includes(s.id));
  const best = Math.max(...earlier.map((s) => s.realBalancedAccuracy));
  const tied = earlier.filter((s) => s.realBalancedAccuracy >= best - TIE_MARGIN - 1e-9);
  const rank = (id: MethodId) => GENERALISATION_ORDER.indexOf(id);
  const first = (xs: MethodScore[]) => xs.reduce((a, b) => (rank(b.id) < rank(a.id) ? b : a));
  const choice = first(tied);
  // (4): a fifth-round method must win outright.
  const bar = choice.realBalancedAccuracy + TIE_MARGIN;
  const outright = eligible.filter((s) => FIFTH_ROUND.includes(s.id) && s.realBalancedAccuracy > bar + 1e-9);
  const topLate = Math.max(...outright.map((s) => s.realBalancedAccuracy));
  const winner = outright.length > 0 ? first(outright.filter((s) => s.realBalancedAccuracy === topLate)) : choice;
  return {
    id: winner.id,
    eligible: eligible.map((s) => s.id),
    tied: tied.map((s) => s.id),
    syntheticFloor: floor,
    bestReal: best,
    fifthRoundBar: bar,
  };
}
