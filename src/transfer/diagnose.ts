// Where a method goes wrong on real frames: which body parts MoveNet sees there (against the
// synthetic frames it was trained on), which classes a 3-way model gives the real frames, and how
// the rendered punches look in 2D.
import { predictedClasses } from '../eval/evaluate';
import { bodyFrame } from '../pose/descriptor';
import {
  type BodyKeypoints,
  KEYPOINT_ROW,
  KP,
  keypointScore,
  keypointsAt,
  keypointX,
  keypointY,
  MIN_KEYPOINT_SCORE,
} from '../pose/keypoints';
import { shareWhere } from '../util/stats';

export const BODY_PARTS: Record<string, number[]> = {
  head: [0, 1, 2, 3, 4],
  shoulders: [5, 6],
  elbows: [7, 8],
  wrists: [9, 10],
  hips: [11, 12],
  knees: [13, 14],
  ankles: [15, 16],
};

/** Per body part, the share of frames in which all its keypoints score at least MIN_KEYPOINT_SCORE. */
export function partVisibility(keypoints: Float32Array): Record<string, number> {
  const n = keypoints.length / KEYPOINT_ROW;
  const out: Record<string, number> = {};
  for (const [part, points] of Object.entries(BODY_PARTS)) {
    let seen = 0;
    for (let i = 0; i < n; i++)
      if (points.every((p) => keypoints[i * KEYPOINT_ROW + p * 3 + 2] >= MIN_KEYPOINT_SCORE)) seen++;
    out[part] = n > 0 ? seen / n : 0;
  }
  return out;
}

/** How many rows of `outputs` (3-way) get each class, for the rows where `select` holds. */
export function predictedCounts(
  outputs: Float32Array,
  classes: string[],
  select: (row: number) => boolean,
): Record<string, number> {
  const counts = Object.fromEntries(classes.map((c) => [c, 0]));
  predictedClasses(outputs, classes.length).forEach((c, i) => {
    if (select(i)) counts[classes[c]]++;
  });
  return counts;
}

/**
 * Whether no seen wrist is further than `reach` body units (the pose descriptor's) from its shoulder
 * in the picture, and at least one wrist is seen: a guard, or a punch thrown straight at the camera
 * (the arm foreshortened); one thrown across the picture is not.
 */
export function shortReach(k: BodyKeypoints, reach = 0.8): boolean {
  const { unit } = bodyFrame(k);
  const arms = [
    [KP.leftShoulder, KP.leftWrist],
    [KP.rightShoulder, KP.rightWrist],
  ].filter(([s, w]) => keypointScore(k, s) >= MIN_KEYPOINT_SCORE && keypointScore(k, w) >= MIN_KEYPOINT_SCORE);
  const lengths = arms.map(([s, w]) =>
    Math.hypot(keypointX(k, w) - keypointX(k, s), keypointY(k, w) - keypointY(k, s)),
  );
  return lengths.length > 0 && Math.max(...lengths) <= reach * unit;
}

/** The share of frames (rows of a keypoints matrix) with shortReach. */
export function shortReachShare(keypoints: Float32Array, reach = 0.8): number {
  const n = keypoints.length / KEYPOINT_ROW;
  return shareWhere(
    n,
    () => true,
    (i) => shortReach(keypointsAt(keypoints, i), reach),
  );
}
