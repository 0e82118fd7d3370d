// The controller contract of MK.js ('webcaminput'): the game defines window.Detect for player 1, and
// the inference loop calls it. Any game that defines the same object is driven by the same loop.
import type { Action } from '../decision';

export interface Detect {
  onPunch(): void;
  onKick(): void;
  onStand(): void;
}

/** The Detect method each action calls; an action not listed calls nothing (the article's rule). */
const CALLS: Partial<Record<string, keyof Detect>> = { punch: 'onPunch', kick: 'onKick' };

/** Calls the controller for `action`; returns the method called, if any. */
export function fire(detect: Detect | undefined, action: Action): keyof Detect | undefined {
  const method = CALLS[action];
  if (method && detect) detect[method]();
  return detect ? method : undefined;
}
