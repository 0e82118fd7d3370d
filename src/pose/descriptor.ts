// A pose description that does not depend on where the person stands, how large they appear or
// what they look like: only the geometry of the keypoints MoveNet found. Pure TypeScript (no tfjs,
// no Node modules), shared by training, evaluation and the game page.
//
// Version 1, POSE_DESCRIPTOR_SIZE values:
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

/** How the descriptor is made; part of the metadata contract (src/vision/spec.ts). */
export interface DescriptorSpec {
  name: 'kombat-pose';
  version: 1;
  size: number;
}

export const POSE_DESCRIPTOR: DescriptorSpec = {
  name: 'kombat-pose',
  version: POSE_DESCRIPTOR_VERSION,
  size: POSE_DESCRIPTOR_SIZE,
};

const CLIP = 4;
/** Torso length over shoulder width for an adult seen from the front, to stand in for a hidden torso. */
const TORSO_PER_SHOULDER = 1.4;

interface Pt {
  x: number;
  y: number;
  seen: boolean;
}

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
const clip = (v: number): number => (v > CLIP ? CLIP : v < -CLIP ? -CLIP : v);

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
  const seen = [...Array(KEYPOINT_COUNT).keys()].map(p).filter((q) => q.seen);
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

/** The version-1 descriptor of one body (see the file comment). */
export function poseDescriptor(k: BodyKeypoints, minScore = MIN_KEYPOINT_SCORE): Float32Array {
  const out = new Float32Array(POSE_DESCRIPTOR_SIZE);
  const { origin, unit } = bodyFrame(k, minScore);
  const pts: Pt[] = [...Array(KEYPOINT_COUNT).keys()].map((i) => ({
    x: (keypointX(k, i) - origin.x) / unit,
    y: (keypointY(k, i) - origin.y) / unit,
    seen: keypointScore(k, i) >= minScore,
  }));
  let o = 0;
  for (const q of pts) {
    out[o++] = q.seen ? clip(q.x) : 0;
    out[o++] = q.seen ? clip(q.y) : 0;
  }
  for (const q of pts) out[o++] = q.seen ? 1 : 0;
  for (const [a, b] of SEGMENTS) {
    const seen = pts[a].seen && pts[b].seen;
    const len = dist(pts[a], pts[b]);
    out[o++] = seen && len > 1e-6 ? (pts[b].x - pts[a].x) / len : 0;
    out[o++] = seen && len > 1e-6 ? (pts[b].y - pts[a].y) / len : 0;
    out[o++] = seen ? clip(len) : 0;
  }
  for (const [a, b, c] of JOINTS) {
    const seen = pts[a].seen && pts[b].seen && pts[c].seen;
    const u = { x: pts[a].x - pts[b].x, y: pts[a].y - pts[b].y };
    const v = { x: pts[c].x - pts[b].x, y: pts[c].y - pts[b].y };
    const n = Math.hypot(u.x, u.y) * Math.hypot(v.x, v.y);
    // -1 for a straight limb, 1 folded flat.
    out[o++] = seen && n > 1e-9 ? (u.x * v.x + u.y * v.y) / n : 0;
  }
  for (const [shoulder, wrist] of [
    [KP.leftShoulder, KP.leftWrist],
    [KP.rightShoulder, KP.rightWrist],
  ]) {
    const seen = pts[shoulder].seen && pts[wrist].seen;
    out[o++] = seen ? clip(dist(pts[shoulder], pts[wrist])) : 0;
    out[o++] = seen ? clip(pts[shoulder].y - pts[wrist].y) : 0;
  }
  const ls = pts[KP.leftShoulder];
  const rs = pts[KP.rightShoulder];
  out[o++] = ls.seen && rs.seen ? clip(dist(ls, rs)) : 0;
  if (o !== POSE_DESCRIPTOR_SIZE) throw new Error(`pose descriptor filled ${o} of ${POSE_DESCRIPTOR_SIZE} values`);
  return out;
}
