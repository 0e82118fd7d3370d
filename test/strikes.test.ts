// What the real punch frames show (annotations/): the file is read strictly, counted per source
// video, and models' punch calls are split by it; the committed annotations cover the real folder
// where it is present.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { Action } from '../src/decision';
import { KEYPOINT_COUNT, KEYPOINT_ROW, KP } from '../src/pose/keypoints';
import { settings } from '../src/settings';
import { loadRealFrames, sharedRealData } from '../src/transfer/real';
import {
  armOutIn2d,
  loadStrikeAnnotations,
  strikeAnnotationsFile,
  strikeBreakdown,
  strikeCounts,
  strikeGame,
} from '../src/transfer/strikes';
import { tempDir } from './helpers';

/** A real-frames folder: punch/a_straight1..3, punch/b_upper1, other/a_nohit1..2 (tiny JPEGs). */
async function realFolder(): Promise<string> {
  const dir = path.join(tempDir(), 'real');
  const names = ['punch/a_straight1', 'punch/a_straight2', 'punch/a_straight3', 'punch/b_upper1'];
  for (const name of [...names, 'other/a_nohit1', 'other/a_nohit2']) {
    const file = path.join(dir, `${name}.jpg`);
    mkdirSync(path.dirname(file), { recursive: true });
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
      .jpeg()
      .toFile(file);
  }
  return dir;
}

const CSV = [
  'file,strike',
  'punch/a_straight1.jpg,strike',
  'punch/a_straight2.jpg,none',
  'punch/a_straight3.jpg,partial',
  'punch/b_upper1.jpg,none',
];

test("annotations read per real frame, counted per source video, and a model's punch calls split by them", async () => {
  const dir = await realFolder();
  const real = await loadRealFrames(dir);
  const file = path.join(path.dirname(dir), 'strikes.csv');
  writeFileSync(file, `${CSV.join('\n')}\n`);
  const seen = await loadStrikeAnnotations(file, real);
  const names = real.files.map((f) => path.relative(dir, f));
  assert.deepEqual(Object.fromEntries(names.map((n, i) => [n, seen[i]])), {
    'other/a_nohit1.jpg': undefined,
    'other/a_nohit2.jpg': undefined,
    'punch/a_straight1.jpg': 'strike',
    'punch/a_straight2.jpg': 'none',
    'punch/a_straight3.jpg': 'partial',
    'punch/b_upper1.jpg': 'none',
  });
  const counted = strikeCounts(seen, real.files);
  assert.deepEqual(counted.counts, { strike: 1, partial: 1, none: 2 });
  assert.deepEqual(counted.bySource, {
    a_straight: { strike: 1, partial: 1, none: 1 },
    b_upper: { strike: 0, partial: 0, none: 1 },
  });
  // Arm out on 2 of 4 punch frames: at best half of them found, every other frame right.
  assert.equal(counted.ceiling, 0.75);

  // A binary model (one unit, punch if >= 0.5) calling the strike, the guard of b_upper and one other frame punch.
  const calls: Record<string, number> = {
    'punch/a_straight1.jpg': 0.9,
    'punch/a_straight2.jpg': 0.1,
    'punch/a_straight3.jpg': 0.2,
    'punch/b_upper1.jpg': 0.8,
    'other/a_nohit1.jpg': 0.7,
    'other/a_nohit2.jpg': 0.1,
  };
  const binary = Float32Array.from(names, (n) => calls[n]);
  const b = strikeBreakdown(binary, 1, real, seen);
  assert.deepEqual(b.punchCalled, { strike: 1, partial: 0, none: 0.5 });
  assert.equal(b.otherCalledPunch, 0.5);
  assert.equal(b.armOutBalanced, (0.5 + 0.5) / 2);
  // A 3-way model's arg-max is folded: kick is not punch.
  const ternary = new Float32Array(names.length * 3);
  for (const [i, n] of names.entries())
    ternary.set(n === 'punch/a_straight3.jpg' ? [0.6, 0.3, 0.1] : [0.1, 0.8, 0.1], i * 3);
  assert.deepEqual(strikeBreakdown(ternary, 3, real, seen).punchCalled, { strike: 0, partial: 1, none: 0 });

  // What the game fires, split the same way: a kick on a punch frame is not a punch; on the others anything counts.
  const fired: Record<string, Action> = {
    'punch/a_straight1.jpg': 'kick',
    'punch/a_straight2.jpg': 'punch',
    'punch/a_straight3.jpg': 'none',
    'punch/b_upper1.jpg': 'none',
    'other/a_nohit1.jpg': 'kick',
    'other/a_nohit2.jpg': 'none',
  };
  assert.deepEqual(
    strikeGame(
      names.map((n) => fired[n]),
      real,
      seen,
    ),
    { punchFired: { strike: 0, partial: 0, none: 0.5 }, otherActed: 0.5 },
  );

  // The smoke run's first frames of each class: annotations of the frames left out are not an error.
  const some = await loadRealFrames(dir, 1);
  assert.deepEqual(
    (await loadStrikeAnnotations(file, some)).filter((s) => s !== undefined),
    ['strike'],
  );
});

test('annotations that do not fit the folder are refused, naming the line or the frame', async () => {
  const dir = await realFolder();
  const real = await loadRealFrames(dir);
  const file = path.join(path.dirname(dir), 'strikes.csv');
  const refused = async (lines: string[], message: RegExp) => {
    writeFileSync(file, `${lines.join('\n')}\n`);
    await assert.rejects(loadStrikeAnnotations(file, real), message);
  };
  await refused(['name,label', ...CSV.slice(1)], /strikes\.csv: the first line must be "file,strike"/);
  // Lines are the file's, blank ones counted.
  await refused(
    [...CSV.slice(0, 4), '', 'punch/b_upper1.jpg,maybe'],
    /strikes\.csv:6: "maybe" is not one of strike, partial, none/,
  );
  await refused([...CSV, 'other/a_nohit1.jpg,none'], /strikes\.csv:6: other\/a_nohit1\.jpg is not a punch frame of/);
  await refused([...CSV, 'punch/c_gone.jpg,none'], /strikes\.csv:6: punch\/c_gone\.jpg is not a punch frame of/);
  await refused(CSV.slice(0, 4), /strikes\.csv: no annotation for .*b_upper1\.jpg/);
});

/** A standing body, shoulders 40 px apart and hips 100 px below them, the left wrist `reach` px out. */
function body(reach: number): Float32Array {
  const row = new Float32Array(KEYPOINT_ROW);
  const put = (p: number, x: number, y: number) => row.set([x, y, 0.9], p * 3);
  put(KP.leftShoulder, 120, 100);
  put(KP.rightShoulder, 80, 100);
  put(KP.leftHip, 115, 200);
  put(KP.rightHip, 85, 200);
  put(KP.leftWrist, 120 + reach, 100);
  put(KP.rightWrist, 80, 120);
  row[KEYPOINT_COUNT * 3] = 320;
  row[KEYPOINT_COUNT * 3 + 1] = 240;
  return row;
}

test('the 2D check on annotations: per annotation, the share of frames with a wrist away from its shoulder', () => {
  // Torso 100 px: a wrist 95 px out is an arm out, 30 px is a guard.
  const rows = [body(95), body(30), body(95), body(30), body(95)];
  const keypoints = new Float32Array(rows.length * KEYPOINT_ROW);
  rows.forEach((r, i) => {
    keypoints.set(r, i * KEYPOINT_ROW);
  });
  assert.deepEqual(armOutIn2d(keypoints, ['strike', 'none', 'strike', 'partial', undefined]), {
    strike: 1,
    partial: 0,
    none: 0,
  });
});

const realData = sharedRealData();
test('the committed annotations cover every punch frame of the real folder', {
  skip: existsSync(realData) ? false : `skipped: ${realData} is absent (real frames: development and CI machines only)`,
}, async () => {
  const file = strikeAnnotationsFile(realData, settings().root);
  assert.ok(file, `annotations/${path.basename(realData)}-strikes.csv is missing`);
  const real = await loadRealFrames(realData);
  const counted = strikeCounts(await loadStrikeAnnotations(file, real), real.files);
  const punch = real.punch.reduce((a, b) => a + b, 0);
  assert.equal(counted.counts.strike + counted.counts.partial + counted.counts.none, punch);
});
