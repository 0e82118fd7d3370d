// Scripted clips for playing tests: one person doing only punches, only kicks, or only everyday
// "other" movements (or these parts in a row), where a normal recording mixes them at random. The
// people, rooms, camera and rendering are those of `kombat synth`, so a test-split person is the
// same person as in the held-out data.
import {
  frontKick,
  idle,
  type KickHeight,
  type PunchHeight,
  punch,
  relaxedPose,
  Sequence,
  type Side,
  sideKick,
  Timeline,
  turn,
} from '../body';
import { type Rng, randInt, range } from '../util/random';
import { type ClipPlan, negativeMoves, planCamera, strikeYaw } from './clip';

export const CLIP_PARTS = ['punch', 'kick', 'other'] as const;
export type ClipPart = (typeof CLIP_PARTS)[number];
/** Strikes (or other movements) per part. */
export const MOVES_PER_PART = 4;

const PUNCH_HEIGHTS: PunchHeight[] = ['high', 'mid', 'mid', 'low'];
const KICK_HEIGHTS: KickHeight[] = ['low', 'mid', 'mid', 'high'];
const side = (rng: Rng): Side => (rng() < 0.5 ? 'L' : 'R');

/** "punch,kick,other" -> parts; an unknown name is an error listing the valid ones. */
export function parseScript(text: string): ClipPart[] {
  const parts = text.split(',').map((s) => s.trim());
  for (const p of parts) {
    if (!(CLIP_PARTS as readonly string[]).includes(p)) {
      throw new Error(`"${p}" is not a clip part; use a comma-separated list of ${CLIP_PARTS.join(', ')}`);
    }
  }
  return parts as ClipPart[];
}

export function planScriptedClip(
  rng: Rng,
  W: number,
  H: number,
  heightM: number,
  parts: readonly ClipPart[],
): ClipPlan & { duration: number } {
  const camera = planCamera(rng, W, H, heightM);
  const centre = (W / 2 - camera.x) / camera.scale;
  const start = relaxedPose(centre + range(rng, -0.2, 0.2), range(rng, -0.3, 0.1), strikeYaw(rng));
  const seq = new Sequence(start);
  idle(seq, rng, range(rng, 0.8, 1.2));
  const negatives = negativeMoves(seq, rng);
  parts.forEach((part, p) => {
    if (p > 0) {
      turn(seq, rng, strikeYaw(rng));
      idle(seq, rng, range(rng, 0.5, 0.9));
    }
    const first = randInt(rng, 0, negatives.length - 1);
    for (let i = 0; i < MOVES_PER_PART; i++) {
      if (part === 'punch') punch(seq, rng, side(rng), PUNCH_HEIGHTS[randInt(rng, 0, 3)]);
      else if (part === 'kick')
        (rng() < 0.6 ? frontKick : sideKick)(seq, rng, side(rng), KICK_HEIGHTS[randInt(rng, 0, 3)]);
      else negatives[(first + i) % negatives.length]();
    }
  });
  idle(seq, rng, range(rng, 0.6, 1));
  const timeline = new Timeline(start, seq.segments);
  return { timeline, camera, frames: 0, duration: timeline.duration };
}
