// Playing judged over time: strikes hit, answered and how late, wrong actions, actions per minute of
// "other", added up over clips; a recording's frames at the page's rate with their times; one rule
// over clips of known outputs.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { LabelRange, RangeLabel } from '../src/data/labels';
import { type Action, type ModelRule, TRIED_HOLD } from '../src/decision';
import { clipFrames } from '../src/eval/clips';
import { judgeClip, PLAY_FPS, playScore, type TimedAction, timeline } from '../src/eval/play';
import { holdCheck, playRule } from '../src/results/playing';
import { realGameShares, realStreams } from '../src/transfer/real';
import { tempDir } from './helpers';

const range = (start: number, end: number, label: RangeLabel, line = 0): LabelRange => ({ start, end, label, line });

/** 5 s: other, a punch (wind-up 1.0-1.2, strike 1.2-1.6, return 1.6-1.8), other, a kick 3.0-3.4 (no margins), other. */
const RANGES = [
  range(0, 1, 'other'),
  range(1, 1.2, 'ambiguous'),
  range(1.2, 1.6, 'punch'),
  range(1.6, 1.8, 'ambiguous'),
  range(1.8, 3, 'other'),
  range(3, 3.4, 'kick'),
  range(3.4, 5, 'other'),
];

/** Frames every 0.1 s for 5 s, 'none' except where given. */
function actions(fired: Record<string, Action>): TimedAction[] {
  return Array.from({ length: 50 }, (_, i) => {
    const time = i / PLAY_FPS;
    return { time, action: fired[time.toFixed(1)] ?? 'none' };
  });
}

test('a clip judged: hits, answers in the movement, delays, wrong actions, actions during "other"', () => {
  const j = judgeClip(
    RANGES,
    actions({ '0.5': 'kick', '1.1': 'punch', '1.3': 'punch', '1.4': 'kick', '3.3': 'kick', '4.0': 'punch' }),
  );
  assert.equal(j.frames, 50);
  assert.ok(Math.abs(j.seconds - 5) < 1e-9);
  assert.equal(j.otherSeconds, 1 + 1.2 + 1.6);
  const [punch, kick] = j.strikes;
  assert.deepEqual(punch.motion, { start: 1, end: 1.8 }, 'the strike with its wind-up and return');
  assert.equal(punch.firstFrame, 1.2);
  assert.equal(punch.hit, true);
  assert.equal(punch.answered, true);
  assert.ok(Math.abs((punch.delay ?? 0) - -0.1) < 1e-9, 'fired in the wind-up: negative delay');
  assert.equal(punch.rightActions, 2);
  assert.equal(punch.wrongActions, 1, 'the kick at 1.4');
  assert.deepEqual(kick.motion, { start: 3, end: 3.4 });
  assert.ok(Math.abs((kick.delay ?? 0) - 0.3) < 1e-9);
  assert.deepEqual(j.otherActions, { punch: 1, kick: 1 });
  assert.deepEqual(j.otherMoves, { punch: 1, kick: 1 });
  assert.equal(j.elsewhereActions, 0);

  // A run of punches in "other" is one move; a run that began in a strike's return and outlasts it is none.
  const runs = judgeClip(
    RANGES,
    actions({ '1.7': 'punch', '1.8': 'punch', '1.9': 'punch', '4.0': 'punch', '4.1': 'punch' }),
  );
  assert.deepEqual([runs.otherActions.punch, runs.otherMoves.punch], [4, 1]);

  // Only in the return: answered but not hit; nothing fired: neither, and no delay.
  const late = judgeClip(RANGES, actions({ '1.7': 'punch' }));
  assert.deepEqual(
    [late.strikes[0].hit, late.strikes[0].answered, late.strikes[1].answered, late.strikes[1].delay],
    [false, true, false, undefined],
  );
  // Ambiguous time away from a strike, and time with no label, count apart.
  const away = judgeClip(
    [range(0, 1, 'ambiguous'), range(1, 2, 'other')],
    actions({ '0.2': 'punch', '1.5': 'kick', '3.0': 'kick' }),
  );
  assert.equal(away.elsewhereActions, 2);
  assert.deepEqual(away.otherActions, { punch: 0, kick: 1 });
});

test('scores added up over clips', () => {
  const a = judgeClip(RANGES, actions({ '1.3': 'punch', '0.5': 'kick' }));
  const b = judgeClip(RANGES, actions({ '1.5': 'punch', '3.0': 'kick', '3.1': 'kick' }));
  const s = playScore([a, b]);
  assert.equal(s.clips, 2);
  assert.equal(s.frames, 100);
  assert.ok(Math.abs(s.minutes - 10 / 60) < 1e-9);
  assert.equal(s.strikes.punch.strikes, 2);
  assert.equal(s.strikes.punch.hitRate, 1);
  assert.equal(s.strikes.kick.hitRate, 0.5);
  assert.equal(s.strikes.all.answeredRate, 0.75);
  const delay = s.strikes.punch.delay;
  assert.ok(delay && [delay.min - 0.1, delay.median - 0.2, delay.max - 0.3].every((d) => Math.abs(d) < 1e-9));
  assert.equal(s.strikes.kick.rightPerStrike, 1);
  assert.equal(s.strikes.kick.delay?.median, 0);
  assert.equal(s.otherActions.kick, 1);
  assert.ok(Math.abs(s.actionsPerOtherMinute - 1 / ((2 * 3.8) / 60)) < 1e-9);
  assert.equal(s.movesPerOtherMinute, s.actionsPerOtherMinute);
  assert.equal(playScore([]).strikes.all.delay, null);
});

test('a model over clips: the rule on every frame, then judged', () => {
  const clip = {
    recording: { video: 's1_c1.avi', labels: 's1_c1.labels.csv', subject: 's1', clip: 'c1' },
    ranges: [range(0, 0.2, 'other'), range(0.2, 0.4, 'punch')],
    files: ['0.jpg', '1.jpg', '2.jpg', '3.jpg'],
    times: [0, 0.1, 0.2, 0.3],
  };
  // [punch, kick, other] per frame: other vetoes at the article's 0.4; a 0.36 punch fires.
  const outputs = Float32Array.from([0.5, 0.05, 0.45, 0.1, 0.1, 0.8, 0.36, 0.3, 0.34, 0.9, 0.05, 0.05]);
  const rule: ModelRule = { task: 'ternary', thresholds: { other: 0.4, action: 0.35 } };
  const played = playRule([clip], [outputs], rule);
  assert.equal(played.hold, 1);
  assert.deepEqual(
    played.actions[0].map((a) => a.action),
    ['none', 'none', 'punch', 'punch'],
  );
  assert.equal(played.score.strikes.punch.hitRate, 1);
  assert.equal(played.score.actionsPerOtherMinute, 0);
  // The fourth round's hold: the punch fires on its second frame in a row.
  const held = playRule([clip], [outputs], rule, undefined, TRIED_HOLD);
  assert.deepEqual(
    held.actions[0].map((a) => a.action),
    ['none', 'none', 'none', 'punch'],
  );
  assert.ok(Math.abs((held.score.strikes.punch.delay?.median ?? 0) - 0.1) < 1e-9);
  // Its registered check: one frame (0.1 s) later is within the limits; three in a row miss the punch.
  const within = holdCheck('ternary', played.score, held.score);
  assert.deepEqual(within.punchAnswered, { chosen: 1, held: 1 });
  assert.deepEqual(within.kickAnswered, { chosen: 0, held: 0 });
  assert.equal(within.kept, true);
  const three = holdCheck('ternary', played.score, playRule([clip], [outputs], rule, undefined, 3).score);
  assert.deepEqual(three.punchAnswered, { chosen: 1, held: 0 });
  assert.deepEqual(three.medianDelay, { chosen: 0, held: null });
  assert.equal(three.kept, false);
  assert.equal(holdCheck('binary', played.score, held.score).kickAnswered, undefined);
  const binary = timeline(
    { task: 'binary', thresholds: { punch: 0.5 } },
    clip.times,
    Float32Array.from([0.6, 0, 0, 1]),
  );
  assert.deepEqual(
    binary.map((a) => a.action),
    ['punch', 'none', 'none', 'punch'],
  );
  assert.throws(
    () => playRule([clip], [outputs.subarray(3)], played.rule),
    /9 outputs for 4 frames of a ternary model/,
  );
});

test("a recording's frames at the page's rate, with its label ranges", async () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'rec'));
  const video = path.join(dir, 'rec', 's07_c02.avi');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=160x90:rate=25',
    '-t',
    '2',
    '-c:v',
    'mjpeg',
    video,
  ]);
  const labels = path.join(dir, 'rec', 's07_c02.labels.csv');
  writeFileSync(labels, 'start,end,label\n0,1,other\n1,1.5,punch\n1.5,2,other\n');
  const recording = { video, labels, subject: 's07', clip: 'c02' };
  const clip = await clipFrames(recording, path.join(dir, 'play'));
  assert.equal(clip.files.length, 20);
  assert.deepEqual(clip.times.slice(0, 3), [0, 0.1, 0.2]);
  assert.equal(path.basename(path.dirname(clip.files[0])), 's07_c02');
  assert.equal(clip.ranges[1].label, 'punch');
  // Again: the folder is replaced, not added to.
  assert.equal((await clipFrames(recording, path.join(dir, 'play'))).files.length, 20);
  writeFileSync(labels, 'start,end,label\n0,3,other\n');
  await assert.rejects(
    clipFrames(recording, path.join(dir, 'play')),
    /s07_c02\.labels\.csv line 2: range 0-3 ends after/,
  );
});

test("real frames as streams: each source video's frames in name order, the hold never crossing two", () => {
  const files = [
    '/r/other/lr_nohit0002.jpg',
    '/r/other/lr_nohit0001.jpg',
    '/r/punch/lr_straight0001.jpg',
    '/r/punch/lr_straight0002.jpg',
    '/r/punch/st_straight0001.jpg',
    '/r/punch/st_straight0002.jpg',
  ];
  assert.deepEqual(realStreams(files), [
    [1, 0],
    [2, 3],
    [4, 5],
  ]);
  // Binary outputs: a punch on both "other" frames, on both lr punch frames, on the first st frame only.
  const outputs = Float32Array.from([0.9, 0.9, 0.9, 0.9, 0.9, 0.1]);
  const real = { files, punch: Int32Array.from([0, 0, 1, 1, 1, 1]) };
  const rule: ModelRule = { task: 'binary', thresholds: { punch: 0.5 } };
  assert.deepEqual(realGameShares(rule, outputs, real), {
    punchFramesFiringPunch: 0.75,
    otherFramesFiringAnything: 1,
    hold: 1,
  });
  // Held: the second frame of each run fires; the st run's lone punch does not, nor does lr's run carry over.
  assert.deepEqual(realGameShares(rule, outputs, real, undefined, TRIED_HOLD), {
    punchFramesFiringPunch: 0.25,
    otherFramesFiringAnything: 0.5,
    hold: 2,
  });
});
