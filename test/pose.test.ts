// The browser-safe pose parts and the feature-kind contract: keypoint boxes, the pose descriptor's
// invariances, the crop's pixel-centre sampling, the metadata checks, and chapter 09's selection
// rule. No models needed.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { initBackend, tf } from '../src/backend';
import { checkMetadata } from '../src/export/metadata';
import { parseDeclaredFeatures, parseFrameFeatures } from '../src/features/kinds';
import {
  bodyFrame,
  describePose,
  POSE_DESCRIPTOR,
  POSE_DESCRIPTOR_SIZE,
  POSE_DESCRIPTOR_V2,
  POSE_DESCRIPTOR_V2_SIZE,
  poseDescriptor,
  poseDescriptorV2,
  UPPER_BODY_DESCRIPTOR,
  UPPER_BODY_SIZE,
} from '../src/pose/descriptor';
import { cropResize } from '../src/pose/detect';
import { CUTS, drawFraming, type Framing, framingBox, showsRaisedFoot } from '../src/pose/framing';
import {
  type BodyKeypoints,
  frameSquare,
  KEYPOINT_COUNT,
  KP,
  keypointBounds,
  mirrorKeypoints,
  personSquare,
} from '../src/pose/keypoints';
import { chooseMethod, type MethodScore } from '../src/transfer/rule';
import { mulberry32 } from '../src/util/random';
import { present } from './helpers';

/**
 * A standing person facing the camera, 100 px of torso, neck at (200, 100): right arm punching toward
 * the image left, left fist up in guard.
 */
function person(dx = 0, dy = 0, s = 1, score = 0.9): BodyKeypoints {
  const at: Record<string, [number, number]> = {
    nose: [200, 60],
    leftEye: [210, 50],
    rightEye: [190, 50],
    leftEar: [220, 55],
    rightEar: [180, 55],
    leftShoulder: [235, 100],
    rightShoulder: [165, 100],
    leftElbow: [250, 150],
    rightElbow: [110, 100],
    leftWrist: [215, 120],
    rightWrist: [60, 98],
    leftHip: [225, 200],
    rightHip: [175, 200],
    leftKnee: [228, 270],
    rightKnee: [172, 270],
    leftAnkle: [230, 340],
    rightAnkle: [170, 340],
  };
  const points = new Float32Array(KEYPOINT_COUNT * 3);
  for (const [name, [x, y]] of Object.entries(at)) {
    const i = KP[name as keyof typeof KP];
    points.set([x * s + dx, y * s + dy, score], i * 3);
  }
  return { width: 640 * s, height: 360 * s, points };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

test('the pose descriptor does not change when the person moves or appears larger', () => {
  const d = poseDescriptor(person());
  assert.equal(d.length, POSE_DESCRIPTOR_SIZE);
  assert.equal(POSE_DESCRIPTOR.size, POSE_DESCRIPTOR_SIZE);
  assert.ok(maxDiff(d, poseDescriptor(person(130, -40))) < 1e-5, 'translation');
  assert.ok(maxDiff(d, poseDescriptor(person(0, 0, 2.5))) < 1e-5, 'scale');
  // The body unit is the torso: neck (200, 100) to mid-hips (200, 200).
  const frame = bodyFrame(person(0, 0, 2));
  assert.deepEqual([frame.origin.x, frame.origin.y, frame.unit], [400, 200, 200]);
});

test('the pose descriptor sees the punching arm: extended right arm, bent left arm', () => {
  const d = poseDescriptor(person());
  // Elbow cosines come after 51 point values and 24 segment values: left, right, then the knees.
  const [leftElbow, rightElbow] = [d[51 + 24], d[51 + 24 + 1]];
  assert.ok(rightElbow < -0.99, `right arm straight (cos ${rightElbow})`);
  assert.ok(leftElbow > -0.9, `left arm bent (cos ${leftElbow})`);
  // Mirrored, the punch is the left arm's.
  const m = poseDescriptor(mirrorKeypoints(person()));
  assert.ok(Math.abs(m[51 + 24] - rightElbow) < 1e-6 && Math.abs(m[51 + 24 + 1] - leftElbow) < 1e-6);
  // Mirroring twice gives the same keypoints back.
  assert.ok(maxDiff(mirrorKeypoints(mirrorKeypoints(person())).points, person().points) < 1e-4);
});

test('keypoints below the confidence threshold count as not seen', () => {
  const k = person();
  for (const name of ['leftKnee', 'rightKnee', 'leftAnkle', 'rightAnkle'] as const) k.points[KP[name] * 3 + 2] = 0.05;
  const d = poseDescriptor(k);
  assert.equal(d[KP.leftKnee * 2], 0);
  assert.equal(d[KP.leftKnee * 2 + 1], 0);
  assert.equal(d[34 + KP.leftKnee], 0, 'not seen');
  assert.equal(d[34 + KP.leftHip], 1, 'seen');
  assert.ok(d.every((v) => Number.isFinite(v) && Math.abs(v) <= 4));
  // Nobody at all: zeros, no NaN.
  const empty = poseDescriptor({ width: 320, height: 180, points: new Float32Array(KEYPOINT_COUNT * 3) });
  assert.ok(empty.every((v) => v === 0));
});

/** `k` with these keypoints moved to (x, y). */
function moved(k: BodyKeypoints, at: Partial<Record<keyof typeof KP, [number, number]>>): BodyKeypoints {
  const points = k.points.slice();
  for (const [name, [x, y]] of Object.entries(at)) points.set([x, y], KP[name as keyof typeof KP] * 3);
  return { ...k, points };
}

test('pose descriptor v2: a leg not seen reads exactly as a standing leg, a raised one does not', () => {
  const k = person();
  const d = poseDescriptorV2(k);
  assert.equal(d.length, POSE_DESCRIPTOR_V2_SIZE);
  assert.ok(maxDiff(d, poseDescriptorV2(person(130, -40, 2.5))) < 1e-5, 'position and size drop out');
  // Legs straight down from the hips, knee 0.85 and ankle 1.7 torsos (100 px) below them: all leg values 0.
  const standing = moved(k, {
    leftKnee: [225, 285],
    rightKnee: [175, 285],
    leftAnkle: [225, 370],
    rightAnkle: [175, 370],
  });
  const s = poseDescriptorV2(standing);
  assert.ok(
    s.subarray(UPPER_BODY_SIZE).every((v) => Math.abs(v) < 1e-6),
    'standing legs are 0',
  );
  // The same body cut off at the knees (knees and ankles not seen): the very same descriptor.
  const cut = { ...standing, points: standing.points.slice() };
  for (const name of ['leftKnee', 'rightKnee', 'leftAnkle', 'rightAnkle'] as const) cut.points[KP[name] * 3 + 2] = 0.05;
  assert.ok(maxDiff(poseDescriptorV2(cut), s) < 1e-6, 'no leg evidence = a standing leg');
  // A knee raised to hip height (a kick's chamber): thigh raise about 1, and the leg values move.
  const chamber = poseDescriptorV2(moved(standing, { rightKnee: [175 - 80, 205], rightAnkle: [175 - 80, 290] }));
  const right = UPPER_BODY_SIZE + 7;
  assert.ok(chamber[right] > 0.9, `right thigh raised (${chamber[right]})`);
  assert.ok(Math.abs(chamber[UPPER_BODY_SIZE]) < 1e-6, 'left leg still standing');
  // The upper-body descriptor is version 2 without the legs; describePose follows the spec.
  assert.deepEqual(Array.from(describePose(k, UPPER_BODY_DESCRIPTOR)), Array.from(d.subarray(0, UPPER_BODY_SIZE)));
  assert.deepEqual(Array.from(describePose(k, POSE_DESCRIPTOR)), Array.from(poseDescriptor(k)));
  assert.deepEqual(Array.from(describePose(k, POSE_DESCRIPTOR_V2)), Array.from(d));
  assert.throws(
    () => describePose(k, { name: 'kombat-pose', version: 3 as 2, size: 1 }),
    /kombat-pose v1, kombat-pose v2/,
  );
  const empty = poseDescriptorV2({ width: 320, height: 180, points: new Float32Array(KEYPOINT_COUNT * 3) });
  assert.ok(empty.every((v) => v === 0));
});

test('webcam framings: a 16:9 crop from above the head down to the cut, whole pixels inside the frame', () => {
  const k = person(0, 0, 0.5); // 320x180 frame, neck (100, 50), torso 50 px, knees at y 135, ankles 170
  const f = (cut: Framing['cut'], extra: Partial<Framing> = {}): Framing => ({
    cut,
    jitter: 0.5,
    headroom: 0.1,
    offset: 0,
    ...extra,
  });
  const knees = present(framingBox(k, f('knees')), 'box');
  assert.equal(knees.y + knees.height, 135, 'bottom at the knees');
  assert.ok(Math.abs(knees.width / knees.height - 16 / 9) < 0.03);
  const hips = present(framingBox(k, f('hips', { jitter: 0 })), 'box');
  assert.equal(hips.y + hips.height, 100, 'bottom at the hips');
  assert.ok(hips.height < knees.height);
  for (const cut of CUTS) {
    for (const offset of [-1, 1]) {
      const b = present(framingBox(k, f(cut, { offset, headroom: 0.25 })), 'box');
      for (const v of [b.x, b.y, b.width, b.height]) assert.ok(Number.isInteger(v), `${cut}: whole pixels`);
      assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= 320 && b.y + b.height <= 180, `${cut}: inside the frame`);
    }
  }
  // The person off centre: offset 1 puts the neck right of the crop's centre.
  const right = present(framingBox(k, f('hips', { offset: 1 })), 'box');
  assert.ok(right.x + right.width / 2 < 100);
  // Nobody seen: no framing.
  assert.equal(
    framingBox({ width: 320, height: 180, points: new Float32Array(KEYPOINT_COUNT * 3) }, f('knees')),
    undefined,
  );
  // The draws: seeded, every cut used.
  const seen = new Set(Array.from({ length: 200 }, () => 0).map((_, i) => drawFraming(mulberry32(i)).cut));
  assert.equal(seen.size, CUTS.length);
  assert.deepEqual(drawFraming(mulberry32(5)), drawFraming(mulberry32(5)));
  // A kick framed at the hips loses a low foot, keeps one raised above the hips.
  assert.equal(showsRaisedFoot(k, hips), false);
  assert.equal(showsRaisedFoot(moved(k, { rightAnkle: [60, 90] }), hips), true);
});

test('boxes: confident keypoints bound the person; the square around them keeps a minimum size', () => {
  const k = person();
  assert.deepEqual(keypointBounds(k), { x: 60, y: 50, width: 190, height: 290 });
  const sq = present(personSquare(k, { scale: 1.5, minFraction: 0.2 }), 'box');
  assert.equal(sq.width, 290 * 1.5);
  assert.equal(sq.x + sq.width / 2, 155);
  assert.equal(present(personSquare(k, { scale: 1, minFraction: 0.9 }), 'box').width, 0.9 * 640);
  const few = { ...k, points: k.points.map((v, i) => (i % 3 === 2 && i > 6 ? 0 : v)) };
  assert.equal(personSquare(few), undefined, 'fewer than three confident points');
  assert.deepEqual(frameSquare(320, 180), { x: 0, y: -70, width: 320, height: 320 });
});

test('cropResize samples at pixel centres and fills outside the frame', async () => {
  await initBackend();
  const values = Float32Array.from({ length: 4 * 4 * 3 }, (_, i) => i);
  const image = tf.tensor4d(values, [1, 4, 4, 3]);
  const id = cropResize(image, { x: 0, y: 0, width: 4, height: 4 }, 4);
  assert.ok(maxDiff((await id.data()) as Float32Array, values) < 1e-4, 'the whole image at its own size is itself');
  // Half the size: each output pixel is the mean of a 2x2 block (bilinear at the block's centre).
  const half = (await cropResize(image, { x: 0, y: 0, width: 4, height: 4 }, 2).data()) as Float32Array;
  const block = (r: number, c: number, ch: number) =>
    [0, 1].flatMap((i) => [0, 1].map((j) => values[((r * 2 + i) * 4 + c * 2 + j) * 3 + ch])).reduce((a, b) => a + b) /
    4;
  assert.ok(Math.abs(half[0] - block(0, 0, 0)) < 1e-4 && Math.abs(half[11] - block(1, 1, 2)) < 1e-4);
  const outside = cropResize(image, { x: -10, y: -10, width: 4, height: 4 }, 2, 7);
  assert.deepEqual(Array.from(await outside.data()), new Array(12).fill(7));
  tf.dispose([image, id, outside]);
});

test('feature declarations: old metadata means whole-frame MobileNet; bad ones are named', () => {
  const legacy = parseFrameFeatures({ alpha: 0.75, inputSize: [224, 224], layer: 'conv_pw_12_relu', fit: 'stretch' });
  assert.equal(legacy.kind, 'mobilenet');
  const pose = {
    kind: 'pose',
    detector: { model: 'movenet-singlepose-lightning-4', passes: 2 },
    descriptor: POSE_DESCRIPTOR,
  };
  assert.deepEqual(parseFrameFeatures(pose), pose);
  assert.throws(
    () => parseFrameFeatures({ kind: 'hog' }),
    /features\.kind: "hog" is not one of "mobilenet", "mobilenet-crop", "pose", "combined"/,
  );
  assert.throws(
    () => parseFrameFeatures({ ...pose, detector: { model: 'posenet', passes: 2 } }),
    /features\.detector\.model: "posenet" is not one of "movenet-singlepose-lightning-4"/,
  );
  assert.throws(
    () => parseFrameFeatures({ ...pose, descriptor: { ...POSE_DESCRIPTOR, size: 10 } }),
    /features\.descriptor\.size: kombat-pose version 1 has 84 values, not 10/,
  );
  for (const descriptor of [POSE_DESCRIPTOR_V2, UPPER_BODY_DESCRIPTOR])
    assert.deepEqual(parseFrameFeatures({ ...pose, descriptor }), { ...pose, descriptor });
  assert.throws(
    () => parseFrameFeatures({ ...pose, descriptor: { ...UPPER_BODY_DESCRIPTOR, version: 2 } }),
    /features\.descriptor\.version: 2 is not one of 1/,
  );
  assert.throws(
    () =>
      parseFrameFeatures({
        kind: 'mobilenet-crop',
        alpha: 0.75,
        inputSize: [224, 160],
        layer: 'x',
        detector: pose.detector,
        crop: { scale: 1.5, minFraction: 0.2 },
      }),
    /inputSize: a person crop is square/,
  );
  assert.throws(() => parseFrameFeatures({ kind: 'combined', parts: [pose] }), /parts: expected at least two/);
  assert.throws(() => parseDeclaredFeatures(pose), /featureSize: undefined is not a whole number/);
});

test('model metadata: task, classes and thresholds are checked against the contract', () => {
  const good = {
    name: 'm',
    task: 'ternary',
    classes: ['punch', 'kick', 'other'],
    features: {
      kind: 'pose',
      detector: { model: 'movenet-singlepose-lightning-4', passes: 2 },
      descriptor: POSE_DESCRIPTOR,
      featureSize: 84,
    },
    thresholds: { other: 0.45, action: 0.4 },
    weights: 'uint8',
    trainingDataHash: 'abc',
  };
  const m = checkMetadata(good, 'x/metadata.json');
  assert.equal(m.features.featureSize, 84);
  assert.equal((m as unknown as { trainingDataHash: string }).trainingDataHash, 'abc', 'other fields kept');
  assert.throws(
    () => checkMetadata({ ...good, task: 'kicks' }, 'x/metadata.json'),
    /x\/metadata\.json: "task" is "kicks", expected one of binary, ternary/,
  );
  assert.throws(
    () => checkMetadata({ ...good, classes: ['a', 'b', 'c'] }, 'x'),
    /a ternary model's "classes" are \[punch, kick, other\] in this order, got \["a","b","c"\]/,
  );
  assert.throws(
    () => checkMetadata({ ...good, thresholds: { other: 2, action: 0.3 } }, 'x'),
    /"thresholds\.other" must be a number from 0 to 1 .*, got 2/,
  );
  const { features: _f, ...noFeatures } = good;
  assert.throws(() => checkMetadata(noFeatures, 'x'), /x: missing "features"/);
});

test('the selection rule: eligible by synthetic accuracy, best on real frames, ties to appearance-free ones', () => {
  const s = (id: MethodScore['id'], syn: number, real: number): MethodScore => ({
    id,
    syntheticTestAccuracy: syn,
    realBalancedAccuracy: real,
  });
  // person-crop is best on real frames but loses 5 points on synthetic test: not eligible.
  const a = chooseMethod([
    s('whole-frame', 0.86, 0.45),
    s('person-crop', 0.81, 0.9),
    s('pose', 0.84, 0.7),
    s('pose+webcam', 0.85, 0.82),
  ]);
  assert.deepEqual(a.eligible, ['whole-frame', 'pose', 'pose+webcam']);
  assert.equal(a.id, 'pose+webcam');
  // Within 0.02 of the best: tied, and pose goes before the whole frame.
  const b = chooseMethod([s('whole-frame', 0.86, 0.83), s('pose', 0.85, 0.815)]);
  assert.deepEqual(b.tied, ['whole-frame', 'pose']);
  assert.equal(b.id, 'pose');
  // A clear winner stays the winner whatever its kind.
  assert.equal(chooseMethod([s('whole-frame', 0.86, 0.9), s('pose', 0.85, 0.7)]).id, 'whole-frame');
  assert.throws(() => chooseMethod([s('pose', 0.8, 0.8)]), /needs the whole-frame method/);
  // The second round's methods go first among ties; a punch-only method is never ranked.
  const c = chooseMethod([s('whole-frame', 0.86, 0.6), s('pose', 0.86, 0.71), s('pose2-framed+webcam', 0.85, 0.7)]);
  assert.equal(c.id, 'pose2-framed+webcam');
  assert.throws(
    () => chooseMethod([s('whole-frame', 0.86, 0.6), s('upper-framed+webcam', 0.9, 0.9)]),
    /3-way methods only/,
  );
  // The fifth round's methods never win a tie: within 0.02 of the earlier choice they lose, even ahead of it...
  const d = chooseMethod([s('whole-frame', 0.86, 0.6), s('pose', 0.86, 0.7), s('pose-framed', 0.86, 0.715)]);
  assert.equal(d.id, 'pose');
  assert.deepEqual(d.tied, ['pose']);
  assert.equal(d.fifthRoundBar, 0.7 + 0.02);
  // ...more than 0.02 ahead they win (the best of them), unless below the synthetic floor.
  const e = [s('whole-frame', 0.86, 0.6), s('pose', 0.86, 0.7), s('pose-framed', 0.86, 0.73)];
  assert.equal(chooseMethod(e).id, 'pose-framed');
  assert.equal(chooseMethod([...e, s('pose2-framed', 0.84, 0.75)]).id, 'pose2-framed');
  assert.equal(chooseMethod([...e, s('pose2-framed', 0.82, 0.9)]).id, 'pose-framed');
});

test('the modules the page needs bundle for the browser (no Node imports)', async () => {
  // esbuild comes with tsx; the game page bundles with it too.
  const esbuild = require('esbuild') as typeof import('esbuild');
  const entries = [
    'features/encoder.ts',
    'features/kinds.ts',
    'export/metadata.ts',
    'pose/descriptor.ts',
    'pose/keypoints.ts',
    'pose/network.ts',
    'decision.ts',
  ];
  const result = await esbuild.build({
    entryPoints: entries.map((e) => path.join(__dirname, '..', 'src', e)),
    bundle: true,
    platform: 'browser',
    write: false,
    outdir: 'out',
    external: ['@tensorflow/tfjs'],
    logLevel: 'silent',
  });
  assert.equal(result.errors.length, 0);
  assert.equal(result.outputFiles.length, entries.length);
});
