// The pool's task module for synthesis (pool/workers.ts): renders one clip, reporting each frame.
import type { TaskFunction } from '../pool/workers';
import { type ClipJob, type ClipResult, renderClip } from './render';

export function setup(): TaskFunction<ClipJob, ClipResult> {
  return (job, context) => renderClip(job, () => context.progress('frame'));
}
