// Poses as a few body angles plus hand/foot targets, solved to 3D joint positions with two-bone IK.
// Targets are relative to the body (units of limb length), so one pose fits every subject.
//
// World coordinates (metres): x to the camera's right, y up, z toward the camera; floor at y = 0.
import type { Skeleton } from './subject';
import { add, combine, cross, deg, dot, lerp, lerp3, normalize, scale, sub, type Vec3, v3 } from './vec';

export type HandShape = 'fist' | 'open' | 'point';

export interface Pose {
  /** Root (point on the floor between the feet), metres. */
  x: number;
  z: number;
  /** Facing, degrees: 0 faces the camera, 90 faces screen-right, 180 shows the back. */
  yaw: number;
  /** Pelvis drop as a fraction of leg length (0 standing, 0.4 deep crouch; negative hops). */
  drop: number;
  /** Spine pitch forward, lateral bend toward the subject's right, shoulder twist (right shoulder forward), degrees. */
  lean: number;
  side: number;
  twist: number;
  headYaw: number;
  headPitch: number;
  /** Wrist target from the shoulder in the torso frame: x outward, y up, z forward; units of arm length. */
  armL: Vec3;
  armR: Vec3;
  /** Elbow pole (direction the elbow points), torso frame, x outward. */
  elbowL: Vec3;
  elbowR: Vec3;
  /**
   * Ankle target in the hip frame: x outward from the hip, y height above the floor, z forward; units of
   * leg length.
   */
  legL: Vec3;
  legR: Vec3;
  /** Knee pole, hip frame, x outward. */
  kneeL: Vec3;
  kneeR: Vec3;
  handL: HandShape;
  handR: HandShape;
}

export interface Frame3 {
  r: Vec3;
  u: Vec3;
  f: Vec3;
}

export interface Joints {
  pelvis: Vec3;
  neck: Vec3;
  head: Vec3;
  shoulderL: Vec3;
  shoulderR: Vec3;
  elbowL: Vec3;
  elbowR: Vec3;
  wristL: Vec3;
  wristR: Vec3;
  handL: Vec3;
  handR: Vec3;
  hipL: Vec3;
  hipR: Vec3;
  kneeL: Vec3;
  kneeR: Vec3;
  ankleL: Vec3;
  ankleR: Vec3;
  heelL: Vec3;
  heelR: Vec3;
  toeL: Vec3;
  toeR: Vec3;
  hips: Frame3;
  torso: Frame3;
  headFrame: Frame3;
}

export function lerpPose(a: Pose, b: Pose, t: number): Pose {
  return {
    x: lerp(a.x, b.x, t),
    z: lerp(a.z, b.z, t),
    yaw: lerp(a.yaw, b.yaw, t),
    drop: lerp(a.drop, b.drop, t),
    lean: lerp(a.lean, b.lean, t),
    side: lerp(a.side, b.side, t),
    twist: lerp(a.twist, b.twist, t),
    headYaw: lerp(a.headYaw, b.headYaw, t),
    headPitch: lerp(a.headPitch, b.headPitch, t),
    armL: lerp3(a.armL, b.armL, t),
    armR: lerp3(a.armR, b.armR, t),
    elbowL: lerp3(a.elbowL, b.elbowL, t),
    elbowR: lerp3(a.elbowR, b.elbowR, t),
    legL: lerp3(a.legL, b.legL, t),
    legR: lerp3(a.legR, b.legR, t),
    kneeL: lerp3(a.kneeL, b.kneeL, t),
    kneeR: lerp3(a.kneeR, b.kneeR, t),
    handL: t < 0.5 ? a.handL : b.handL,
    handR: t < 0.5 ? a.handR : b.handR,
  };
}

/** Facing frame for a yaw in degrees. */
export function yawFrame(yawDeg: number): Frame3 {
  const t = deg(yawDeg);
  return { r: v3(-Math.cos(t), 0, Math.sin(t)), u: v3(0, 1, 0), f: v3(Math.sin(t), 0, Math.cos(t)) };
}

/** Two-bone IK: the middle joint for root→target with bone lengths a, b, bending toward pole. */
export function solveTwoBone(root: Vec3, target: Vec3, a: number, b: number, pole: Vec3): { mid: Vec3; end: Vec3 } {
  const d0 = sub(target, root);
  const dist = Math.sqrt(dot(d0, d0));
  const d = Math.min(Math.max(dist, Math.abs(a - b) + 1e-4), (a + b) * 0.9995);
  const u = normalize(d0, v3(0, -1, 0));
  const cosA = (a * a + d * d - b * b) / (2 * a * d);
  const sinA = Math.sqrt(Math.max(0, 1 - cosA * cosA));
  let p = sub(pole, scale(u, dot(pole, u)));
  p = normalize(p, normalize(cross(u, v3(1, 0, 0)), v3(0, 0, 1)));
  const mid = add(root, add(scale(u, a * cosA), scale(p, a * sinA)));
  return { mid, end: add(root, scale(u, d)) };
}

/** 3D joint positions of `pose` for a body with skeleton `sk`; `viewYaw` turns the whole body. */
export function solvePose(pose: Pose, sk: Skeleton, viewYaw = 0): Joints {
  const hips = yawFrame(pose.yaw + viewYaw);
  const t0 = yawFrame(pose.yaw + viewYaw + pose.twist);
  const lean = deg(pose.lean);
  const u1 = combine(t0.u, Math.cos(lean), t0.f, Math.sin(lean), t0.r, 0);
  const f1 = combine(t0.f, Math.cos(lean), t0.u, -Math.sin(lean), t0.r, 0);
  const side = deg(pose.side);
  const u2 = combine(u1, Math.cos(side), t0.r, Math.sin(side), f1, 0);
  const r2 = combine(t0.r, Math.cos(side), u1, -Math.sin(side), f1, 0);
  const torso: Frame3 = { r: r2, u: u2, f: f1 };

  const leg = sk.thigh + sk.shin;
  const root = v3(pose.x, 0, pose.z);
  const pelvis = add(root, v3(0, sk.ankle + leg * (1 - pose.drop), 0));
  const neck = add(pelvis, scale(u2, sk.spine));
  const shoulderDrop = scale(u2, -0.03 * sk.height);
  const shoulderR = add(add(neck, shoulderDrop), scale(r2, sk.shoulderHalf));
  const shoulderL = add(add(neck, shoulderDrop), scale(r2, -sk.shoulderHalf));

  const hy = deg(pose.headYaw);
  const hp = deg(pose.headPitch);
  const hf0 = combine(f1, Math.cos(hy), r2, Math.sin(hy), u2, 0);
  const hr0 = normalize(cross(hf0, u2));
  const hu = combine(u2, Math.cos(hp), hf0, Math.sin(hp), hr0, 0);
  const hf = combine(hf0, Math.cos(hp), u2, -Math.sin(hp), hr0, 0);
  // cross(f, u) is the subject's right in these coordinates.
  const headFrame: Frame3 = { r: hr0, u: hu, f: hf };
  const head = add(add(neck, scale(u2, sk.neck * 0.8)), scale(hu, sk.head.height * 0.5));

  const armLen = sk.upperArm + sk.forearm;
  const arm = (shoulder: Vec3, sign: number, target: Vec3, pole: Vec3) => {
    const out = scale(r2, sign);
    const tgt = add(shoulder, scale(combine(out, target.x, u2, target.y, f1, target.z), armLen));
    const p = combine(out, pole.x, u2, pole.y, f1, pole.z);
    const { mid, end } = solveTwoBone(shoulder, tgt, sk.upperArm, sk.forearm, p);
    return { elbow: mid, wrist: end, dir: normalize(sub(end, mid)) };
  };
  const aL = arm(shoulderL, -1, pose.armL, pose.elbowL);
  const aR = arm(shoulderR, 1, pose.armR, pose.elbowR);
  const handLen = (shape: HandShape) => sk.hand * (shape === 'fist' ? 0.55 : shape === 'point' ? 0.9 : 0.85);

  const legSolve = (sign: number, target: Vec3, pole: Vec3) => {
    const out = scale(hips.r, sign);
    const hip = add(pelvis, scale(out, sk.hipHalf));
    const tgt = add(
      add(root, scale(out, sk.hipHalf + target.x * leg)),
      combine(hips.u, sk.ankle + target.y * leg, hips.f, target.z * leg, out, 0),
    );
    const p = combine(out, pole.x, hips.u, pole.y, hips.f, pole.z);
    const { mid, end } = solveTwoBone(hip, tgt, sk.thigh, sk.shin, p);
    const shinDir = normalize(sub(end, mid));
    const footDir = normalize(add(cross(hips.r, shinDir), scale(hips.f, 0.35)), hips.f);
    const down = scale(shinDir, sk.ankle * 0.7);
    return {
      hip,
      knee: mid,
      ankle: end,
      toe: add(add(end, scale(footDir, sk.foot * 0.72)), down),
      heel: add(add(end, scale(footDir, -sk.foot * 0.22)), down),
    };
  };
  const lL = legSolve(-1, pose.legL, pose.kneeL);
  const lR = legSolve(1, pose.legR, pose.kneeR);

  return {
    pelvis,
    neck,
    head,
    shoulderL,
    shoulderR,
    elbowL: aL.elbow,
    elbowR: aR.elbow,
    wristL: aL.wrist,
    wristR: aR.wrist,
    handL: add(aL.wrist, scale(aL.dir, handLen(pose.handL))),
    handR: add(aR.wrist, scale(aR.dir, handLen(pose.handR))),
    hipL: lL.hip,
    hipR: lR.hip,
    kneeL: lL.knee,
    kneeR: lR.knee,
    ankleL: lL.ankle,
    ankleR: lR.ankle,
    heelL: lL.heel,
    heelR: lR.heel,
    toeL: lL.toe,
    toeR: lR.toe,
    hips,
    torso,
    headFrame,
  };
}
