// Which plan a clip follows: the scripted parts a playing test asks for, a player at a webcam
// (./webcam.ts), or the built-in dataset's random recording (./clip.ts).
import type { Rng } from '../util/random';
import { type ClipPlan, planClip } from './clip';
import { type ClipPart, planScriptedClip } from './script';
import { planWebcamClip } from './webcam';

/** How the recordings are staged: the built-in dataset's, or a player at a webcam (./webcam.ts). */
export const CLIP_STYLES = ['builtin', 'webcam'] as const;
export type ClipStyle = (typeof CLIP_STYLES)[number];

export interface PlannedJob {
  width: number;
  height: number;
  subject: { height: number };
  script?: readonly ClipPart[];
  style?: ClipStyle;
}

/** The plan of a clip: the scripted parts when given, else a recording in the job's style. */
export function planFor(rng: Rng, job: PlannedJob): ClipPlan & { duration: number } {
  if (job.script?.length) return planScriptedClip(rng, job.width, job.height, job.subject.height, job.script);
  const plan = job.style === 'webcam' ? planWebcamClip : planClip;
  return plan(rng, job.width, job.height, job.subject.height);
}
