// A pose description that does not depend on where the person stands, how large they appear or
// what they look like: only the geometry of the keypoints MoveNet found. Pure TypeScript (no tfjs,
// no Node modules), shared by training, evaluation and the game page. Three descriptors exist; a
// model's metadata names the one it was trained on (describePose picks it).
//
// kombat-pose version 1, POSE_DESCRIPTOR_SIZE values (chapter 09, first round):
// - every keypoint relative to the neck (mid-shoulders) in units of the body scale (torso length,
//   or shoulder width where the hips are not seen), x and y, 0 where the point is not seen (34);
// - whether each keypoint is seen, score >= MIN_KEYPOINT_SCORE (17);
// - per limb segment (upper arm, forearm, thigh, shin; left and right) its direction as cos/sin and
//   its apparent length in body units (24): a limb pointing at the camera looks short, which is how
//   a straight punch at a webcam shows in 2D;
// - the bend at elbows and knees as the cosine of the joint angle (4);
// - wrist-to-shoulder reach and wrist height above the shoulder, left and right (4);
// - apparent shoulder width over torso length (1): how far the body is turned.
// Values are clipped to +-4 so a wild keypoint cannot dominate.
//
// kombat-pose version 2 (second round), POSE_DESCRIPTOR_V2_SIZE values: the legs can be out of the
// picture (a webcam frames a player to the knees or the hips), and a missing leg must mean "no leg
// evidence", not something a classifier trained on whole bodies never saw. So the head and arms are
// described as in version 1, but every leg value is 0 for a standing leg and 0 for a leg not seen,
// and no flag says whether hips, knees or ankles were seen:
// - nose, eyes, ears, shoulders, elbows, wrists relative to the neck (22) and whether each is seen
//   (11); upper arm and forearm directions and apparent lengths (12), elbow bends (2), wrist reach
//   and height above the shoulder (4), wrist distance to the nose (2): a fist at the face is a guard
//   or a straight punch foreshortened toward the camera, the forearm's length tells them apart;
// - shoulder width (1); torso lean, neck to mid-hips, as (sideways, 1 - upright), 0 when unseen (2);
// - per leg (14): thigh raise and whole-leg raise (1 - cosine of the angle from straight down), knee
//   fold (1 + cosine of the knee angle), and knee and ankle relative to where a standing leg has
//   them below the hip; each 0 unless the points it needs are seen.
// kombat-pose-upper version 1: version 2 without the legs (its first UPPER_BODY_SIZE values), for a
// punch detector that looks at the upper body only.
import {
  type BodyKeypoints,
  KEYPOINT_COUNT,
  KP,
  keypointScore,
  keypointX,
  keypointY,
  MIN_KEYPOINT_SCORE,
} from './keypoints';

export const POSE_DESCRIPTOR_VERSION = 1;
export const POSE_DESCRIPTOR_SIZE = KEYPOINT_COUNT * 3 + 24 + 4 + 4 + 1;
/** Head and arms (27 point values, 12 segment values, 2 bends, 6 reach values), shoulders, torso lean. */
export const UPPER_BODY_SIZE = 33 + 12 + 2 + 6 + 1 + 2;
export const POSE_DESCRIPTOR_V2_SIZE = UPPER_BODY_SIZE + 14;

export type DescriptorName = 'kombat-pose' | 'kombat-pose-upper';

/** How the descriptor is made; part of the metadata contract (features/kinds.ts). */
export interface DescriptorSpec {
  name: DescriptorName;
  version: 1 | 2;
  size: number;
}

export const POSE_DESCRIPTOR: DescriptorSpec = {
  name: 'kombat-pose',
  version: POSE_DESCRIPTOR_VERSION,
  size: POSE_DESCRIPTOR_SIZE,
};
export const POSE_DESCRIPTOR_V2: DescriptorSpec = { name: 'kombat-pose', version: 2, size: POSE_DESCRIPTOR_V2_SIZE };
export const UPPER_BODY_DESCRIPTOR: DescriptorSpec = { name: 'kombat-pose-upper', version: 1, size: UPPER_BODY_SIZE };

/** Every descriptor a model may declare. */
export const DESCRIPTORS: readonly DescriptorSpec[] = [POSE_DESCRIPTOR, POSE_DESCRIPTOR_V2, UPPER_BODY_DESCRIPTOR];

/** The descriptor of `spec` for one body. */
export function describePose(k: BodyKeypoints, spec: DescriptorSpec): Float32Array {
  if (spec.name === 'kombat-pose' && spec.version === 1) return poseDescriptor(k);
  if (spec.name === 'kombat-pose' && spec.version === 2) return poseDescriptorV2(k);
  if (spec.name === 'kombat-pose-upper' && spec.version === 1) return poseDescriptorV2(k).slice(0, UPPER_BODY_SIZE);
  throw new Error(
    `unknown pose descriptor ${spec.name} v${spec.version}; known: ` +
      DESCRIPTORS.map((d) => `${d.name} v${d.version}`).join(', '),
  );
}

const CLIP = 4;
/** Torso length over shoulder width for an adult seen from the front, to stand in for a hidden torso. */
const TORSO_PER_SHOULDER = 1.4;

interface Pt {
  x: number;
  y: number;
  seen: boolean;
}

const ALL_POINTS = [...Array(KEYPOINT_COUNT).keys()];
const SEGMENTS: [number, number][] = [
  [KP.leftShoulder, KP.leftElbow],
  [KP.leftElbow, KP.leftWrist],
  [KP.rightShoulder, KP.rightElbow],
  [KP.rightElbow, KP.rightWrist],
  [KP.leftHip, KP.leftKnee],
  [KP.leftKnee, KP.leftAnkle],
  [KP.rightHip, KP.rightKnee],
  [KP.rightKnee, KP.rightAnkle],
];
const JOINTS: [number, number, number][] = [
  [KP.leftShoulder, KP.leftElbow, KP.leftWrist],
  [KP.rightShoulder, KP.rightElbow, KP.rightWrist],
  [KP.leftHip, KP.leftKnee, KP.leftAnkle],
  [KP.rightHip, KP.rightKnee, KP.rightAnkle],
];

const mid = (a: Pt, b: Pt): Pt => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, seen: a.seen && b.seen });
const dist = (a: Pt, b: Pt): number => Math.hypot(a.x - b.x, a.y - b.y);
const clip = (v: number): number => Math.min(CLIP, Math.max(-CLIP, v));

/** Cosine of the angle at b (-1 straight, 1 folded flat); 0 unless all three points are seen. */
function jointCosine(a: Pt, b: Pt, c: Pt): number {
  if (!(a.seen && b.seen && c.seen)) return 0;
  const u = { x: a.x - b.x, y: a.y - b.y };
  const v = { x: c.x - b.x, y: c.y - b.y };
  const n = Math.hypot(u.x, u.y) * Math.hypot(v.x, v.y);
  return n > 1e-9 ? (u.x * v.x + u.y * v.y) / n : 0;
}

/** Where the body is and how large: the origin (neck) and the unit length (body scale) in pixels. */
export function bodyFrame(k: BodyKeypoints, minScore = MIN_KEYPOINT_SCORE): { origin: Pt; unit: number } {
  const p = (i: number): Pt => ({ x: keypointX(k, i), y: keypointY(k, i), seen: keypointScore(k, i) >= minScore });
  const ls = p(KP.leftShoulder);
  const rs = p(KP.rightShoulder);
  const hips = mid(p(KP.leftHip), p(KP.rightHip));
  const neck = ls.seen && rs.seen ? mid(ls, rs) : ls.seen ? ls : rs.seen ? rs : undefined;
  const candidates: number[] = [];
  if (neck && hips.seen) candidates.push(dist(neck, hips));
  if (ls.seen && rs.seen) candidates.push(dist(ls, rs) * TORSO_PER_SHOULDER);
  const seen = ALL_POINTS.map(p).filter((q) => q.seen);
  if (candidates.length === 0 || Math.max(...candidates) < 1e-3) {
    // No torso to measure: the extent of whatever is seen, as a rough third of a body.
    const xs = seen.map((q) => q.x);
    const ys = seen.map((q) => q.y);
    const extent = seen.length > 1 ? Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) : 0;
    candidates.push(extent > 1e-3 ? extent / 3 : Math.max(k.width, k.height) / 4);
  }
  const origin =
    neck ??
    (seen.length > 0
      ? {
          x: seen.reduce((s, q) => s + q.x, 0) / seen.length,
          y: seen.reduce((s, q) => s + q.y, 0) / seen.length,
          seen: true,
        }
      : { x: k.width / 2, y: k.height / 2, seen: false });
  return { origin, unit: Math.max(...candidates) };
}

/** Every keypoint relative to the neck in body units (bodyFrame), with whether it is seen. */
function bodyPoints(k: BodyKeypoints, minScore: number): Pt[] {
  const { origin, unit } = bodyFrame(k, minScore);
  return ALL_POINTS.map((i) => ({
    x: (keypointX(k, i) - origin.x) / unit,
    y: (keypointY(k, i) - origin.y) / unit,
    seen: keypointScore(k, i) >= minScore,
  }));
}

/**
 * The part both versions share, written into `out` from offset `o`: the positions of `points` (0 where
 * unseen), then whether each is seen; per segment its direction (cos, sin) and apparent length; per
 * joint its bend; per side the wrist's reach from the shoulder and its height above it. Returns the
 * offset after them.
 */
function encodeLimbs(
  out: Float32Array,
  o: number,
  pts: Pt[],
  points: readonly number[],
  segments: readonly [number, number][],
  joints: readonly [number, number, number][],
): number {
  for (const i of points) {
    out[o++] = pts[i].seen ? clip(pts[i].x) : 0;
    out[o++] = pts[i].seen ? clip(pts[i].y) : 0;
  }
  for (const i of points) out[o++] = pts[i].seen ? 1 : 0;
  for (const [a, b] of segments) {
    const seen = pts[a].seen && pts[b].seen;
    const len = dist(pts[a], pts[b]);
    out[o++] = seen && len > 1e-6 ? (pts[b].x - pts[a].x) / len : 0;
    out[o++] = seen && len > 1e-6 ? (pts[b].y - pts[a].y) / len : 0;
    out[o++] = seen ? clip(len) : 0;
  }
  for (const [a, b, c] of joints) out[o++] = jointCosine(pts[a], pts[b], pts[c]);
  for (const [shoulder, wrist] of [
    [KP.leftShoulder, KP.leftWrist],
    [KP.rightShoulder, KP.rightWrist],
  ]) {
    const seen = pts[shoulder].seen && pts[wrist].seen;
    out[o++] = seen ? clip(dist(pts[shoulder], pts[wrist])) : 0;
    out[o++] = seen ? clip(pts[shoulder].y - pts[wrist].y) : 0;
  }
  return o;
}

/** Apparent shoulder width in body units: how far the body is turned; 0 unless both shoulders are seen. */
function shoulderWidth(pts: Pt[]): number {
  const ls = pts[KP.leftShoulder];
  const rs = pts[KP.rightShoulder];
  return ls.seen && rs.seen ? clip(dist(ls, rs)) : 0;
}

/** The version-1 descriptor of one body (see the file comment). */
export function poseDescriptor(k: BodyKeypoints, minScore = MIN_KEYPOINT_SCORE): Float32Array {
  const out = new Float32Array(POSE_DESCRIPTOR_SIZE);
  const pts = bodyPoints(k, minScore);
  let o = encodeLimbs(out, 0, pts, ALL_POINTS, SEGMENTS, JOINTS);
  out[o++] = shoulderWidth(pts);
  if (o !== POSE_DESCRIPTOR_SIZE) throw new Error(`pose descriptor filled ${o} of ${POSE_DESCRIPTOR_SIZE} values`);
  return out;
}

const UPPER_POINTS = [
  KP.nose,
  KP.leftEye,
  KP.rightEye,
  KP.leftEar,
  KP.rightEar,
  KP.leftShoulder,
  KP.rightShoulder,
  KP.leftElbow,
  KP.rightElbow,
  KP.leftWrist,
  KP.rightWrist,
];
const ARM_SEGMENTS = SEGMENTS.slice(0, 4);
const ARM_JOINTS = JOINTS.slice(0, 2);
const LEGS: [number, number, number][] = JOINTS.slice(2);
/** How far below the hip a standing knee and ankle are, in torso lengths (thigh and shin are each about 0.85 torso). */
const STANDING_KNEE = 0.85;
const STANDING_ANKLE = 1.7;

/** 1 - cosine of the angle between a->b and straight down (image y grows downward): 0 hanging, 1 level. */
function raise(a: Pt, b: Pt): number {
  const len = dist(a, b);
  return len > 1e-6 ? 1 - (b.y - a.y) / len : 0;
}

/** The version-2 descriptor of one body (see the file comment); its first UPPER_BODY_SIZE values: kombat-pose-upper. */
export function poseDescriptorV2(k: BodyKeypoints, minScore = MIN_KEYPOINT_SCORE): Float32Array {
  const out = new Float32Array(POSE_DESCRIPTOR_V2_SIZE);
  const pts = bodyPoints(k, minScore);
  let o = encodeLimbs(out, 0, pts, UPPER_POINTS, ARM_SEGMENTS, ARM_JOINTS);
  for (const wrist of [KP.leftWrist, KP.rightWrist]) {
    const seen = pts[KP.nose].seen && pts[wrist].seen;
    out[o++] = seen ? clip(dist(pts[KP.nose], pts[wrist])) : 0;
  }
  out[o++] = shoulderWidth(pts);
  // The neck is the origin; the torso's lean is where the mid-hips are from it.
  const hips = mid(pts[KP.leftHip], pts[KP.rightHip]);
  const torso = Math.hypot(hips.x, hips.y);
  out[o++] = hips.seen && torso > 1e-6 ? hips.x / torso : 0;
  out[o++] = hips.seen && torso > 1e-6 ? 1 - hips.y / torso : 0;
  if (o !== UPPER_BODY_SIZE) throw new Error(`pose descriptor v2 filled ${o} of ${UPPER_BODY_SIZE} upper-body values`);
  for (const [hip, knee, ankle] of LEGS) {
    const [h, kn, an] = [pts[hip], pts[knee], pts[ankle]];
    out[o++] = h.seen && kn.seen ? raise(h, kn) : 0;
    out[o++] = h.seen && an.seen ? raise(h, an) : 0;
    out[o++] = h.seen && kn.seen && an.seen ? 1 + jointCosine(h, kn, an) : 0;
    // Knee and ankle from where a standing leg has them (STANDING_KNEE, STANDING_ANKLE below the hip).
    out[o++] = h.seen && kn.seen ? clip(kn.x - h.x) : 0;
    out[o++] = h.seen && kn.seen ? clip(kn.y - h.y - STANDING_KNEE) : 0;
    out[o++] = h.seen && an.seen ? clip(an.x - h.x) : 0;
    out[o++] = h.seen && an.seen ? clip(an.y - h.y - STANDING_ANKLE) : 0;
  }
  if (o !== POSE_DESCRIPTOR_V2_SIZE) throw new Error(`pose descriptor v2 filled ${o} of ${POSE_DESCRIPTOR_V2_SIZE}`);
  return out;
}
