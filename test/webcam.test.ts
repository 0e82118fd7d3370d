// The webcam recording style and the real-frames clip: plans are seeded and staged as a webcam
// sees a player (facing it, framed close, boxing), the built-in style is untouched, the webcam
// dataset keeps every strike, and a folder of frames becomes a y4m clip in file order.

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import type { DatasetEntry } from '../src/data/entries';
import { selectFrames } from '../src/data/webcam';
import { planClip, planJobs, renderClip } from '../src/synth';
import { planWebcamClip } from '../src/synth/webcam';
import { realFramesClip } from '../src/transfer/clip';
import { loadRealFrames } from '../src/transfer/real';
import { mulberry32 } from '../src/util/random';
import { tempDir } from './helpers';

const root = tempDir('kombat-webcam-');
after(() => rmSync(root, { recursive: true, force: true }));

test('webcam plans are seeded, face the camera, frame the person large, and punch in several ways', () => {
  const h = 1.75;
  const a = planWebcamClip(mulberry32(7), 320, 180, h);
  const b = planWebcamClip(mulberry32(7), 320, 180, h);
  assert.deepEqual(a.timeline.segments, b.timeline.segments);
  const actions = new Set<string>();
  let facing = 0;
  let total = 0;
  let closer = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const plan = planWebcamClip(mulberry32(seed), 320, 180, h);
    const builtin = planClip(mulberry32(seed), 320, 180, h);
    if (plan.camera.scale > builtin.camera.scale) closer++;
    for (const s of plan.timeline.segments) {
      actions.add(s.action.split('-')[0]);
      if (s.cls === 'punch' && s.phase === 'strike') {
        total++;
        if (Math.abs(s.pose.yaw) <= 55) facing++;
      }
    }
  }
  for (const kind of ['punch', 'hook', 'uppercut', 'guard', 'reach', 'walk'])
    assert.ok(actions.has(kind), `has ${kind}`);
  assert.ok(facing === total && total > 50, `${facing} of ${total} strikes facing the camera`);
  assert.ok(closer >= 25, `${closer} of 30 webcam cameras closer than the built-in ones`);
});

test('the built-in style is unchanged by the webcam style (same plan, same first frames)', async () => {
  const [job] = planJobs({ out: path.join(root, 'b'), subjects: 1, clipsPerSubject: 1, maxSeconds: 0.5 });
  assert.equal(job.style, undefined);
  const r = await renderClip(job);
  const [web] = planJobs({
    out: path.join(root, 'w'),
    subjects: 1,
    clipsPerSubject: 1,
    maxSeconds: 0.5,
    style: 'webcam',
    subjectPrefix: 'w',
  });
  assert.equal(web.subject.id, 'w01');
  const w = await renderClip(web);
  const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
  assert.notEqual(hash(r.video), hash(w.video));
  assert.equal(hash(r.video), hash((await renderClip({ ...job, dir: path.join(root, 'b2') })).video), 'deterministic');
});

test('the webcam dataset keeps every strike and cuts "other" to the punch count (at least 10)', () => {
  const entry = (subject: string, label: string, i: number) =>
    ({ file: `${label}/${subject}_c1_${String(i).padStart(5, '0')}.jpg`, label, subject }) as DatasetEntry;
  const entries: DatasetEntry[] = [];
  for (const s of ['w01', 'w02', 'w03'])
    for (let i = 0; i < 40; i++) entries.push(entry(s, i < 12 ? 'punch' : i < 14 ? 'kick' : 'other', i));
  const split = { seed: 1, train: ['w01', 'w02'], val: ['w03'], test: [] };
  const kept = selectFrames(entries, split, 1);
  const count = (subjects: string[], label: string) =>
    kept.filter((e) => subjects.includes(e.subject) && e.label === label).length;
  assert.equal(count(['w01', 'w02'], 'punch'), 24);
  assert.equal(count(['w01', 'w02'], 'kick'), 4);
  assert.equal(count(['w01', 'w02'], 'other'), 24);
  assert.equal(count(['w01'], 'other'), 12, 'spread over people');
  assert.equal(count(['w03'], 'other'), 12);
  assert.deepEqual(selectFrames(entries, split, 1), kept, 'seeded');
});

test('realFramesClip: frames in file order as a y4m clip, with its runs', async () => {
  const dir = path.join(root, 'real');
  const frames: [string, string][] = [];
  for (const [label, stem, n] of [
    ['other', 'a_nohit', 3],
    ['punch', 'a_straight', 4],
    ['punch', 'b_straight', 2],
  ] as const)
    for (let i = 1; i <= n; i++) frames.push([label, `${stem}${String(i).padStart(4, '0')}.jpg`]);
  for (const [i, [label, name]] of frames.entries()) {
    mkdirSync(path.join(dir, label), { recursive: true });
    const v = 20 * i;
    await sharp({ create: { width: 64, height: 36, channels: 3, background: { r: v, g: 255 - v, b: 128 } } })
      .jpeg()
      .toFile(path.join(dir, label, name));
  }
  const out = path.join(root, 'clip', 'real.y4m');
  const clip = await realFramesClip(dir, out, { fps: 10, width: 32 });
  assert.equal(clip.frames, 9);
  assert.deepEqual([clip.width, clip.height], [32, 18]);
  assert.deepEqual(
    clip.runs.map((r) => [r.source, r.label, r.start, r.end]),
    [
      ['a_nohit', 'other', 0, 3],
      ['a_straight', 'punch', 3, 7],
      ['b_straight', 'punch', 7, 9],
    ],
  );
  const bytes = readFileSync(out);
  assert.match(bytes.subarray(0, 40).toString('latin1'), /^YUV4MPEG2 W32 H18 F10:1/);
  assert.equal(bytes.toString('latin1').split('FRAME\n').length - 1, 9, 'nine frames');
  await assert.rejects(realFramesClip(path.join(root, 'nothing'), out), /nothing: no such dataset folder/);
  // The same folder as real frames: no kick/ folder is fine, punch vs. the rest.
  const real = await loadRealFrames(dir);
  assert.deepEqual(Array.from(real.punch), [1, 1, 1, 1, 1, 1, 0, 0, 0]);
  assert.equal((await loadRealFrames(dir, 2)).files.length, 4);
  await assert.rejects(loadRealFrames(path.join(dir, 'punch')), /punch: not a dataset folder/);
});
