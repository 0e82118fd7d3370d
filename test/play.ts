// Judging a played clip as a player would (test support): did the right action fire during each
// strike, and how many actions fired during everyday movements away from any strike.
import type { LabelRange } from '../src/data/labels';
import type { LogEntry } from '../src/serve/api';

/** A strike counts as answered when the action fires from a little before it to a little after it. */
export const STRIKE_WINDOW = { before: 0.2, after: 0.4 };
/** "Other" frames this close (s) to a strike or its wind-up are left out: the guard between strikes. */
export const OTHER_MARGIN = 1.0;

export interface StrikeCount {
  strikes: number;
  hit: number;
}

export interface PlayVerdict {
  punch: StrikeCount;
  kick: StrikeCount;
  otherPredictions: number;
  otherActions: number;
  otherActionsPerMinute: number;
}

const METHOD: Record<string, string> = { punch: 'onPunch', kick: 'onKick' };

/** `entries` of one pass of the clip (videoTime is the clip time); `labels` the clip's ranges. */
export function judgePlay(entries: LogEntry[], labels: LabelRange[]): PlayVerdict {
  const count = (label: 'punch' | 'kick'): StrikeCount => {
    const strikes = labels.filter((l) => l.label === label);
    const hit = strikes.filter((s) =>
      entries.some(
        (e) =>
          e.fired === METHOD[label] &&
          e.videoTime >= s.start - STRIKE_WINDOW.before &&
          e.videoTime <= s.end + STRIKE_WINDOW.after,
      ),
    ).length;
    return { strikes: strikes.length, hit };
  };
  const busy = labels.filter((l) => l.label !== 'other');
  const calm = entries.filter((e) => {
    const range = labels.find((l) => l.start <= e.videoTime && e.videoTime < l.end);
    if (range?.label !== 'other') return false;
    return busy.every((b) => e.videoTime < b.start - OTHER_MARGIN || e.videoTime > b.end + OTHER_MARGIN);
  });
  const otherActions = calm.filter((e) => e.fired !== undefined).length;
  const seconds = calm.length / 10;
  return {
    punch: count('punch'),
    kick: count('kick'),
    otherPredictions: calm.length,
    otherActions,
    otherActionsPerMinute: seconds > 0 ? (otherActions / seconds) * 60 : 0,
  };
}
