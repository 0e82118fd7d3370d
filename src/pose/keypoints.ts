// Body keypoints as MoveNet gives them (17 COCO points) and boxes around them. Pure TypeScript, no
// tfjs and no Node modules: the game page bundles it as it is.
import type { BodyView } from '../decision';

/** MoveNet's output order (COCO). "left" is the person's own left, on the image's right when facing us. */
export const KEYPOINT_NAMES = [
  'nose',
  'leftEye',
  'rightEye',
  'leftEar',
  'rightEar',
  'leftShoulder',
  'rightShoulder',
  'leftElbow',
  'rightElbow',
  'leftWrist',
  'rightWrist',
  'leftHip',
  'rightHip',
  'leftKnee',
  'rightKnee',
  'leftAnkle',
  'rightAnkle',
] as const;
export type KeypointName = (typeof KEYPOINT_NAMES)[number];
export const KEYPOINT_COUNT = KEYPOINT_NAMES.length;
export const KP = Object.fromEntries(KEYPOINT_NAMES.map((n, i) => [n, i])) as Record<KeypointName, number>;

/**
 * One detected body: x and y in pixels of the frame it was detected in, score in 0..1 per point.
 * Stored flat as [x0, y0, s0, x1, y1, s1, ...] so that it caches and crosses threads as one array.
 */
export interface BodyKeypoints {
  /** Frame size in pixels. */
  width: number;
  height: number;
  /** KEYPOINT_COUNT * 3 values. */
  points: Float32Array;
}

/** Axis-aligned box in pixels; it may reach outside the frame (cropping pads there). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Below this score a keypoint is treated as not seen (MoveNet's own demos crop with 0.2). */
export const MIN_KEYPOINT_SCORE = 0.2;

export const keypointX = (k: BodyKeypoints, i: number): number => k.points[i * 3];
export const keypointY = (k: BodyKeypoints, i: number): number => k.points[i * 3 + 1];
export const keypointScore = (k: BodyKeypoints, i: number): number => k.points[i * 3 + 2];

/** What the decision rule needs of the keypoints: is a leg (its knee and its ankle) in the picture? */
export function bodyView(k: BodyKeypoints, minScore = MIN_KEYPOINT_SCORE): BodyView {
  const seen = (i: number) => keypointScore(k, i) >= minScore;
  return { legSeen: (seen(KP.leftKnee) && seen(KP.leftAnkle)) || (seen(KP.rightKnee) && seen(KP.rightAnkle)) };
}

/** The view of every row of a keypoints matrix (KEYPOINT_ROW values a row, as frameFeatures returns them). */
export function bodyViews(rows: Float32Array): BodyView[] {
  return Array.from({ length: rows.length / KEYPOINT_ROW }, (_, i) => bodyView(keypointsAt(rows, i)));
}

/** The smallest square holding the whole frame, centred on it: what a letterboxed detector input sees. */
export function frameSquare(width: number, height: number): Box {
  const side = Math.max(width, height);
  return { x: (width - side) / 2, y: (height - side) / 2, width: side, height: side };
}

/** Bounding box of the keypoints scoring at least `minScore`; undefined when fewer than `minPoints` do. */
export function keypointBounds(k: BodyKeypoints, minScore = MIN_KEYPOINT_SCORE, minPoints = 3): Box | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  let n = 0;
  for (let i = 0; i < KEYPOINT_COUNT; i++) {
    if (keypointScore(k, i) < minScore) continue;
    const x = keypointX(k, i);
    const y = keypointY(k, i);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
    n++;
  }
  return n >= minPoints ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
}

/**
 * A square around the person: centred on the confident keypoints, its side `scale` times their
 * larger extent (keypoints are joints, not the outline: hands, hair and feet reach past them) and
 * at least `minFraction` of the frame's larger side. Undefined when too few keypoints are
 * confident to say where the person is. The detector's second look and the person-centred
 * features both crop with it; the square keeps the person undistorted in a square model input.
 */
export function personSquare(
  k: BodyKeypoints,
  {
    scale = 1.5,
    minFraction = 0.2,
    minScore = MIN_KEYPOINT_SCORE,
  }: { scale?: number; minFraction?: number; minScore?: number } = {},
): Box | undefined {
  const b = keypointBounds(k, minScore);
  if (!b) return undefined;
  const side = Math.max(Math.max(b.width, b.height) * scale, minFraction * Math.max(k.width, k.height));
  const cx = b.x + b.width / 2;
  const cy = b.y + b.height / 2;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

/** Keypoints mirrored left-right: x flipped and each left point swapped with its right twin. */
export function mirrorKeypoints(k: BodyKeypoints): BodyKeypoints {
  const points = new Float32Array(k.points.length);
  for (let i = 0; i < KEYPOINT_COUNT; i++) {
    const name = KEYPOINT_NAMES[i];
    const twin = name.startsWith('left')
      ? KP[name.replace('left', 'right') as KeypointName]
      : name.startsWith('right')
        ? KP[name.replace('right', 'left') as KeypointName]
        : i;
    points[twin * 3] = k.width - k.points[i * 3];
    points[twin * 3 + 1] = k.points[i * 3 + 1];
    points[twin * 3 + 2] = k.points[i * 3 + 2];
  }
  return { width: k.width, height: k.height, points };
}

/** Keypoints as a cache row and between threads: 17 x (x, y, score), then the frame's width and height. */
export const KEYPOINT_ROW = KEYPOINT_COUNT * 3 + 2;

export function keypointsToRow(k: BodyKeypoints): Float32Array {
  const row = new Float32Array(KEYPOINT_ROW);
  row.set(k.points);
  row[KEYPOINT_COUNT * 3] = k.width;
  row[KEYPOINT_COUNT * 3 + 1] = k.height;
  return row;
}

export function rowToKeypoints(row: Float32Array): BodyKeypoints {
  return {
    points: row.slice(0, KEYPOINT_COUNT * 3),
    width: row[KEYPOINT_COUNT * 3],
    height: row[KEYPOINT_COUNT * 3 + 1],
  };
}

/** Row `i` of a matrix of KEYPOINT_ROW rows, as keypoints. */
export function keypointsAt(rows: Float32Array, i: number): BodyKeypoints {
  return rowToKeypoints(rows.subarray(i * KEYPOINT_ROW, (i + 1) * KEYPOINT_ROW));
}
