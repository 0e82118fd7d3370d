// MoveNet and the pose-based features, on people drawn by the project's body model (MoveNet's
// sources and download: movenet-source.test.ts): keypoints where the drawn joints are, the two
// looks, the same features from the batch path on any number of workers and from the page's
// per-frame path, the caches, and `kombat train --features pose` -> `kombat
// evaluate` end to end. Skipped with a message where ../shared is absent.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { initBackend, tf } from '../src/backend';
import {
  drawBody,
  guardPose,
  type Pose,
  randomSubjects,
  relaxedPose,
  skeletonOf,
  solvePose,
  v3,
  withPose,
} from '../src/body';
import { frameFeatures } from '../src/features/frames';
import { framedKeypoints } from '../src/features/framings';
import type { FrameFeatures, PoseFeatures } from '../src/features/kinds';
import { loadLocalEncoder, resolveLocations } from '../src/features/local-encoder';
import { readImage } from '../src/image/decode';
import { POSE_DESCRIPTOR_V2 } from '../src/pose/descriptor';
import { detectPose, meanScore } from '../src/pose/detect';
import { KEYPOINT_ROW, KP } from '../src/pose/keypoints';
import { loadMoveNet } from '../src/pose/source';
import { rgbTensor } from '../src/preprocess';
import { needsMoveNet, present, sharedMobileNet, sharedMoveNet, tempDir } from './helpers';

const root = tempDir('kombat-movenet-');
after(() => rmSync(root, { recursive: true, force: true }));
process.env.KOMBAT_DATA_DIR = path.join(root, 'data');
process.env.MOBILENET_URL = sharedMobileNet;
// Read once, by the first settings() call: every model here comes from ../shared.
process.env.MOVENET_URL = sharedMoveNet;

const W = 320;
const H = 180;
const VIEW = { yaw: 55, scale: 70, x: 160, y: 172, cameraDistance: 3, cameraHeight: 1.1 };

const POSES: Record<string, Pose> = {
  punch: withPose(guardPose(relaxedPose()), { armR: v3(-0.15, 0.12, 0.97), elbowR: v3(0.6, -0.6, 0), twist: 25 }),
  kick: withPose(guardPose(relaxedPose()), { legR: v3(0.02, 0.75, 0.65), kneeR: v3(0, 1, 0.3), lean: -12 }),
  other: relaxedPose(),
};

/** A person drawn in `pose` over a plain wall, as JPEG; returns the drawn head position too. */
async function drawn(file: string, pose: Pose, subject = 0, dx = 0): Promise<{ head: { x: number; y: number } }> {
  const person = randomSubjects(3, 11)[subject];
  const view = { ...VIEW, x: VIEW.x + dx };
  const wall = `<rect width="100%" height="100%" fill="#cfc6b4"/>`;
  const body = drawBody(pose, person, view);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${wall}${body}</svg>`;
  mkdirSync(path.dirname(file), { recursive: true });
  await sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toFile(file);
  const J = solvePose(pose, skeletonOf(person), view.yaw);
  const k = view.cameraDistance / (view.cameraDistance - J.head.z);
  return { head: { x: view.x + view.scale * J.head.x * k, y: view.y - view.scale * (1.1 + (J.head.y - 1.1) * k) } };
}

test('keypoints land on the drawn person; the second look is at least as confident', {
  skip: needsMoveNet,
}, async () => {
  await initBackend();
  const model = await loadMoveNet({ url: sharedMoveNet });
  const before = tf.memory().numTensors;
  for (const [i, cls] of ['punch', 'other'].entries()) {
    const file = path.join(root, 'drawn', `${cls}.jpg`);
    const { head } = await drawn(file, POSES[cls], i);
    const image = await readImage(file);
    const pixels = rgbTensor(image.data, image.width, image.height);
    const one = await detectPose(model, pixels, { model: 'movenet-singlepose-lightning-4', passes: 1 });
    const two = await detectPose(model, pixels, { model: 'movenet-singlepose-lightning-4', passes: 2 });
    pixels.dispose();
    assert.ok(meanScore(two) >= meanScore(one), `${cls}: two looks ${meanScore(two)} vs one ${meanScore(one)}`);
    assert.ok(meanScore(two) > 0.3, `${cls}: mean score ${meanScore(two)}`);
    const nose = { x: two.points[KP.nose * 3], y: two.points[KP.nose * 3 + 1] };
    assert.ok(
      Math.hypot(nose.x - head.x, nose.y - head.y) < 0.08 * H,
      `${cls}: nose ${JSON.stringify(nose)} far from the head ${JSON.stringify(head)}`,
    );
    const ankle = two.points[KP.rightAnkle * 3 + 1];
    assert.ok(ankle > nose.y + 0.4 * H, `${cls}: ankle (y ${ankle}) well below the nose (y ${nose.y})`);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  model.dispose();
});

const POSE_AND_CROP: FrameFeatures = {
  kind: 'combined',
  parts: [
    {
      kind: 'pose',
      detector: { model: 'movenet-singlepose-lightning-4', passes: 2 },
      descriptor: { name: 'kombat-pose', version: 1, size: 84 },
    },
    {
      kind: 'mobilenet-crop',
      alpha: 0.75,
      inputSize: [96, 96],
      layer: 'conv_pw_11_relu',
      detector: { model: 'movenet-singlepose-lightning-4', passes: 2 },
      crop: { scale: 1.5, minFraction: 0.2 },
    },
  ],
};

test('pose + crop features: the same on 1 and 2 workers and per frame, cached, bad files named', {
  skip: needsMoveNet,
}, async () => {
  const files: string[] = [];
  for (let i = 0; i < 6; i++) {
    const file = path.join(root, 'frames', `f${i}.jpg`);
    await drawn(file, POSES[['punch', 'kick', 'other'][i % 3]], i % 3, (i - 3) * 20);
    files.push(file);
  }
  const cacheA = path.join(root, 'cache-a');
  const cacheB = path.join(root, 'cache-b');
  const one = await frameFeatures(POSE_AND_CROP, files, { workers: 1, cacheRoot: cacheA, batchSize: 2 });
  const two = await frameFeatures(POSE_AND_CROP, files, { workers: 2, cacheRoot: cacheB, batchSize: 2 });
  assert.equal(one.featureSize, 84 + 384);
  assert.deepEqual(
    Buffer.from(two.features.buffer),
    Buffer.from(one.features.buffer),
    'bitwise the same on two workers',
  );
  assert.equal(one.computed, 6);
  const again = await frameFeatures(POSE_AND_CROP, files, { cacheRoot: cacheA });
  assert.equal(again.computed, 0, 'all from the caches');
  assert.deepEqual(Buffer.from(again.features.buffer), Buffer.from(one.features.buffer));
  // The page's path: one frame, pixels to features.
  const encoder = await loadLocalEncoder(POSE_AND_CROP, await resolveLocations(POSE_AND_CROP));
  const image = await readImage(files[0]);
  const pixels = rgbTensor(image.data, image.width, image.height);
  const { features, keypoints } = await encoder.encode(pixels);
  pixels.dispose();
  encoder.dispose();
  const row = one.features.subarray(0, one.featureSize);
  assert.ok(
    features.every((v, i) => Math.abs(v - row[i]) < 1e-4),
    'per-frame path = batch path',
  );
  const rows = present(one.keypoints, 'keypoint rows');
  assert.ok(Math.abs(present(keypoints, 'keypoints').points[2] - rows[2]) < 1e-6);
  assert.equal(rows.length, 6 * KEYPOINT_ROW);
  // A file that is not an image is named, and the others still get their features.
  const bad = path.join(root, 'frames', 'bad.jpg');
  await fs.writeFile(bad, 'not a jpeg');
  const mixed = await frameFeatures(POSE_AND_CROP, [files[0], bad], { cacheRoot: cacheA });
  assert.equal(mixed.failed.length, 1);
  assert.match(mixed.failed[0].message, /bad\.jpg: (not an image|cannot decode|truncated)/);
  assert.deepEqual(Array.from(mixed.features.subarray(0, mixed.featureSize)), Array.from(row));
});

test('webcam framings: each crop goes through MoveNet as its own frame; the same on 1 and 2 workers; cached', {
  skip: needsMoveNet,
}, async () => {
  const pose: PoseFeatures = {
    kind: 'pose',
    detector: { model: 'movenet-singlepose-lightning-4', passes: 2 },
    descriptor: POSE_DESCRIPTOR_V2,
  };
  const files: string[] = [];
  for (let i = 0; i < 4; i++) {
    const file = path.join(root, 'framed', `f${i}.jpg`);
    await drawn(file, POSES[['punch', 'kick', 'other'][i % 3]], i % 3, (i - 2) * 20);
    files.push(file);
  }
  const whole = present(
    (await frameFeatures(pose, files, { cacheRoot: path.join(root, 'framed-cache') })).keypoints,
    'keypoints',
  );
  const settings = { variants: 2, seed: 1 };
  const one = await framedKeypoints(pose, files, whole, settings, {
    workers: 1,
    batchSize: 2,
    cacheRoot: path.join(root, 'framed-a'),
  });
  const two = await framedKeypoints(pose, files, whole, settings, {
    workers: 2,
    batchSize: 2,
    cacheRoot: path.join(root, 'framed-b'),
  });
  assert.equal(one.framings.length, 8);
  assert.equal(one.computed, 8);
  assert.deepEqual(Buffer.from(two.keypoints.buffer), Buffer.from(one.keypoints.buffer), 'bitwise the same');
  assert.deepEqual(two.framings, one.framings, 'the same crops: a function of (seed, frame bytes, variant)');
  const again = await framedKeypoints(pose, files, whole, settings, { cacheRoot: path.join(root, 'framed-a') });
  assert.equal(again.computed, 0, 'all from the cache');
  // The cache keys on the bytes read, not on a name or a manifest: a frame redrawn under its old name is
  // detected again.
  const replaced = path.join(root, 'framed-replaced');
  await fs.cp(path.join(root, 'framed'), replaced, { recursive: true });
  const moved = files.map((f) => path.join(replaced, path.basename(f)));
  await drawn(moved[0], POSES.kick, 1, 40);
  const redrawn = await framedKeypoints(pose, moved, whole, settings, { cacheRoot: path.join(root, 'framed-a') });
  assert.equal(redrawn.computed, redrawn.source.filter((i) => i === 0).length, 'only the redrawn frame again');
  assert.ok(redrawn.computed > 0);
  // A framing's keypoints are those of the crop saved as an image of its own, in its pixels.
  const { box } = one.framings[0];
  const crop = path.join(root, 'framed', 'crop.png');
  const frame = await readImage(files[one.source[0]]);
  await sharp(Buffer.from(frame.data), { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .extract({ left: box.x, top: box.y, width: box.width, height: box.height })
    .png()
    .toFile(crop);
  const alone = present(
    (await frameFeatures(pose, [crop], { cacheRoot: path.join(root, 'framed-c') })).keypoints,
    'keypoints',
  );
  const row = one.keypoints.subarray(0, KEYPOINT_ROW);
  assert.deepEqual([row[KEYPOINT_ROW - 2], row[KEYPOINT_ROW - 1]], [box.width, box.height]);
  assert.ok(
    row.every((v, i) => Math.abs(v - alone[i]) < 1e-3),
    'region of the decoded frame = the crop decoded alone (lossless)',
  );
  // A kick framing that cuts off the raised foot is not kept.
  const kept = await framedKeypoints(pose, files, whole, settings, {
    cacheRoot: path.join(root, 'framed-a'),
    keep: () => false,
  });
  assert.equal(kept.framings.length, 0);
});

test('kombat train --features pose, then kombat evaluate: the model declares its kind; no kicks -> folded', {
  skip: needsMoveNet,
}, async () => {
  const data = path.join(root, 'people');
  for (const [s, subject] of ['p1', 'p2', 'p3'].entries())
    for (const cls of ['punch', 'kick', 'other'])
      for (let i = 0; i < 3; i++)
        await drawn(
          path.join(data, cls, `${subject}_c1_${String(i).padStart(5, '0')}.jpg`),
          POSES[cls],
          s,
          (i - 1) * 30,
        );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MOVENET_URL: sharedMoveNet,
    MOBILENET_URL: sharedMobileNet,
    KOMBAT_DATA_DIR: path.join(root, 'cli-data'),
  };
  delete env.KOMBAT_SMOKE;
  const kombat = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'src', 'cli', 'main.ts'), ...args], {
      encoding: 'utf8',
      env,
    });
  const out = path.join(root, 'models', 'pose');
  const t = kombat('train', '--data', data, '--task', 'ternary', '--out', out, '--features', 'pose', '--epochs', '3');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stderr, /features: pose v1 \(movenet, 2 passes\), from pose/);
  assert.match(t.stderr, /no augmented variants/);
  const meta = JSON.parse(readFileSync(path.join(out, 'metadata.json'), 'utf8'));
  assert.equal(meta.features.kind, 'pose');
  assert.equal(meta.features.featureSize, 84);
  assert.match(meta.preprocessing, /MoveNet SinglePose Lightning .* pose descriptor kombat-pose v1/);
  const e = kombat('evaluate', '--model', out, '--data', data, '--json');
  assert.equal(e.status, 0, e.stderr);
  const m = JSON.parse(e.stdout);
  assert.deepEqual(m.classes, ['punch', 'kick', 'other']);
  assert.equal(m.folded, undefined, 'kicks present: nothing to fold');
  // Train the same kind as an exported model; evaluate on a folder without kicks.
  const noKicks = path.join(root, 'people-no-kicks');
  await fs.cp(path.join(data, 'punch'), path.join(noKicks, 'punch'), { recursive: true });
  await fs.cp(path.join(data, 'other'), path.join(noKicks, 'other'), { recursive: true });
  const f = kombat('evaluate', '--model', out, '--data', noKicks);
  assert.equal(f.status, 0, f.stderr);
  assert.match(f.stdout, /scored as punch \/ not punch: the folder has no kick\/ frames/);
  const like = kombat(
    'train',
    '--data',
    data,
    '--task',
    'binary',
    '--out',
    path.join(root, 'models', 'like'),
    '--features',
    out,
    '--epochs',
    '2',
  );
  assert.equal(like.status, 0, like.stderr);
  assert.match(like.stderr, new RegExp(`features: pose v1 .*, from the model in ${out}`));
  const bad = kombat(
    'train',
    '--data',
    data,
    '--task',
    'binary',
    '--out',
    path.join(root, 'models', 'x'),
    '--features',
    'hog',
  );
  assert.notEqual(bad.status, 0);
  assert.match(
    bad.stderr,
    /--features hog: neither a feature kind \(mobilenet, mobilenet-crop, pose, combined\) nor a model folder/,
  );
});
