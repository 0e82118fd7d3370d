import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  animate,
  crouch,
  drawBody,
  frontKick,
  kneeLift,
  length,
  type Phase,
  point,
  punch,
  randomSubjects,
  relaxedPose,
  type Sequence,
  sideKick,
  skeletonOf,
  solvePose,
  sub,
  type Timeline,
  wave,
} from '../src/body';
import { mulberry32 } from '../src/util/random';

const subject = randomSubjects(1, 7)[0];
const sk = skeletonOf(subject);

/** Phases in order of appearance, consecutive duplicates collapsed. */
function phaseOrder(tl: Timeline): Phase[] {
  const out: Phase[] = [];
  for (const s of tl.segments) if (out[out.length - 1] !== s.phase) out.push(s.phase);
  return out;
}

function strikeSample(tl: Timeline) {
  let t = 0;
  for (const s of tl.segments) {
    if (s.phase === 'strike' && s.dur > 0.15) return tl.at(t + s.dur * 0.5);
    t += s.dur;
  }
  throw new Error('no strike segment');
}

describe('subjects', () => {
  it('are reproducible, distinct, and have plausible skeletons', () => {
    const a = randomSubjects(12, 1);
    const b = randomSubjects(12, 1);
    assert.deepEqual(a, b);
    assert.deepEqual(
      a.map((s) => s.id),
      Array.from({ length: 12 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`),
    );
    assert.notDeepEqual(randomSubjects(12, 2), a);
    assert.ok(new Set(a.map((s) => JSON.stringify({ ...s, id: '' }))).size === 12);
    for (const s of a) {
      const k = skeletonOf(s);
      const total = k.head.height + k.neck + k.spine + k.thigh + k.shin + k.ankle;
      assert.ok(Math.abs(total - s.height) < 1e-9, 'bones add up to the height');
      assert.ok(k.spine > 0.2 * s.height && k.spine < 0.4 * s.height);
    }
  });
});

describe('actions', () => {
  const rng = () => mulberry32(42);
  it('punches and kicks go windup -> strike -> retract', () => {
    for (const make of [
      (s: Sequence) => punch(s, rng(), 'R', 'mid'),
      (s: Sequence) => punch(s, rng(), 'L', 'high'),
      (s: Sequence) => frontKick(s, rng(), 'R', 'mid'),
      (s: Sequence) => sideKick(s, rng(), 'L', 'high'),
    ]) {
      const tl = animate(make);
      const order = phaseOrder(tl).filter((p) => p !== 'none');
      assert.deepEqual(order, ['windup', 'strike', 'retract']);
      assert.ok(tl.duration > 0.8 && tl.duration < 4);
    }
  });

  it('hard negatives carry no strike phase', () => {
    for (const make of [
      (s: Sequence) => point(s, rng(), 'R'),
      (s: Sequence) => wave(s, rng(), 'L'),
      (s: Sequence) => crouch(s, rng()),
      (s: Sequence) => kneeLift(s, rng(), 3),
    ]) {
      const tl = animate(make);
      assert.deepEqual(phaseOrder(tl), ['none']);
      assert.ok(tl.segments.every((s) => s.cls === 'other'));
    }
  });

  it('a punch strike extends the fist at about shoulder height', () => {
    const s = strikeSample(animate((q) => punch(q, rng(), 'R', 'mid')));
    assert.equal(s.phase, 'strike');
    assert.equal(s.cls, 'punch');
    const j = solvePose(s.pose, sk);
    const reach = length(sub(j.wristR, j.shoulderR));
    assert.ok(reach > 0.9 * (sk.upperArm + sk.forearm), `arm extended (${reach.toFixed(2)} m)`);
    assert.ok(Math.abs(j.wristR.y - j.shoulderR.y) < 0.15 * sk.height, 'fist near shoulder height');
    assert.ok(j.wristR.z - j.shoulderR.z > 0.4, 'fist in front of the body (facing the camera)');
    assert.equal(s.pose.handR, 'fist');
    // The guard before it has the fist close to the face.
    const g = solvePose(animate((q) => punch(q, rng(), 'R', 'mid')).segments[0].pose, sk);
    assert.ok(length(sub(g.wristR, g.shoulderR)) < 0.6 * (sk.upperArm + sk.forearm));
  });

  it('a kick strike raises the foot well above the floor', () => {
    for (const make of [
      (q: Sequence) => frontKick(q, rng(), 'R', 'mid'),
      (q: Sequence) => sideKick(q, rng(), 'R', 'mid'),
    ]) {
      const s = strikeSample(animate(make));
      assert.equal(s.cls, 'kick');
      const j = solvePose(s.pose, sk);
      assert.ok(j.ankleR.y > 0.3 * (sk.thigh + sk.shin), `foot up (${j.ankleR.y.toFixed(2)} m)`);
      assert.ok(j.ankleL.y < 0.1, 'standing foot on the floor');
    }
  });

  it('standing pose keeps both feet on the floor and the head on top', () => {
    const j = solvePose(relaxedPose(), sk);
    assert.ok(j.ankleL.y > 0 && j.ankleL.y < 0.1 && j.ankleR.y < 0.1);
    assert.ok(Math.abs(j.head.y + sk.head.height / 2 - subject.height) < 0.05 * subject.height);
  });
});

describe('drawBody', () => {
  const pose = strikeSampleSafe();
  function strikeSampleSafe() {
    return strikeSample(animate((q) => punch(q, mulberry32(1), 'L', 'high'))).pose;
  }
  it('draws a deterministic SVG fragment with no NaN, different per view', () => {
    const views = [0, 45, 90, 180].map((yaw) =>
      drawBody(pose, subject, { yaw, scale: 100, x: 160, y: 170 }, { idPrefix: 'a' }),
    );
    for (const v of views) {
      assert.match(v, /^<g><defs>.*<\/g>$/s);
      assert.doesNotMatch(v, /NaN|undefined|Infinity/);
      assert.ok((v.match(/<path/g) ?? []).length > 15, 'limbs, torso, hands, feet');
      assert.ok(v.includes('<ellipse'), 'head');
    }
    assert.equal(new Set(views).size, 4);
    assert.equal(drawBody(pose, subject, { yaw: 45, scale: 100, x: 160, y: 170 }, { idPrefix: 'a' }), views[1]);
  });

  it('uses the id prefix so two fighters can share a document', () => {
    const a = drawBody(pose, subject, { yaw: 90, scale: 80, x: 100, y: 170 }, { idPrefix: 'p1' });
    const b = drawBody(pose, subject, { yaw: -90, scale: 80, x: 220, y: 170 }, { idPrefix: 'p2' });
    const ids = (s: string) => [...s.matchAll(/id="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(ids(a).length > 0);
    assert.ok(ids(a).every((id) => id.startsWith('p1')) && ids(b).every((id) => id.startsWith('p2')));
  });

  it('draws clothing patterns and hair styles from the subject', () => {
    const striped = { ...subject, top: { ...subject.top, pattern: 'stripes' as const } };
    assert.ok(drawBody(relaxedPose(), striped, { yaw: 0, scale: 100, x: 160, y: 170 }).includes('<pattern'));
    const plain = {
      ...subject,
      top: { ...subject.top, pattern: 'plain' as const },
      bottom: { ...subject.bottom, pattern: 'plain' as const },
    };
    assert.ok(!drawBody(relaxedPose(), plain, { yaw: 0, scale: 100, x: 160, y: 170 }).includes('<pattern'));
    const bald = drawBody(
      relaxedPose(),
      { ...subject, hair: { style: 'bald', colour: '#000000' } },
      { yaw: 0, scale: 100, x: 160, y: 170 },
    );
    const hairy = drawBody(
      relaxedPose(),
      { ...subject, hair: { style: 'short', colour: '#000000' } },
      { yaw: 0, scale: 100, x: 160, y: 170 },
    );
    assert.ok(!bald.includes('clipPath') && hairy.includes('clipPath'));
  });
});
