// The game's decision rule from the article: turn one frame's class probabilities into an action.
// Browser-safe (no Node imports): the page and the evaluation use this same function.

export type Action = 'punch' | 'kick' | 'none';

export interface Thresholds {
  /** No action unless some class reaches this probability (article: 0.4). */
  any: number;
  /** A punch or kick needs at least this much and more than the other action (article: 0.35). */
  action: number;
}

export const ARTICLE_THRESHOLDS: Thresholds = { any: 0.4, action: 0.35 };

export interface Probabilities {
  punch: number;
  kick: number;
  other: number;
}

export function decide(p: Probabilities, t: Thresholds = ARTICLE_THRESHOLDS): Action {
  if (Math.max(p.punch, p.kick, p.other) < t.any) return 'none';
  if (p.kick > p.punch && p.kick >= t.action) return 'kick';
  if (p.punch > p.kick && p.punch >= t.action) return 'punch';
  return 'none';
}

/** The article's binary model: punch when its one output reaches `any` (0.4), else nothing. */
export function decideBinary(punch: number, t: Thresholds = ARTICLE_THRESHOLDS): Action {
  return punch >= t.any ? 'punch' : 'none';
}
