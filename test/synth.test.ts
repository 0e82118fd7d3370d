import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { randomSubjects } from '../src/body';
import { frameRanges, LABELS, labelOf, labelsCsv, planClip, renderRecordings } from '../src/synth';
import { mulberry32 } from '../src/util/random';
import { tempDir } from './helpers';

const tiny = { subjects: 1, clipsPerSubject: 1, fps: 8, size: { width: 96, height: 54 }, maxSeconds: 3, workers: 0 };

function files(dir: string): Map<string, Buffer> {
  const rec = path.join(dir, 'recordings');
  return new Map(
    readdirSync(rec)
      .sort()
      .map((f) => [f, readFileSync(path.join(rec, f))]),
  );
}

function decodedFrames(video: string): number {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=nb_read_frames,width,height',
    '-of',
    'json',
    video,
  ]);
  const s = JSON.parse(out.toString()).streams[0];
  assert.equal(s.width, 96);
  assert.equal(s.height, 54);
  return Number(s.nb_read_frames);
}

function parseLabels(text: string): { start: number; end: number; label: string }[] {
  const [header, ...rows] = text.trim().split('\n');
  assert.equal(header, 'start,end,label');
  return rows.map((r) => {
    const [start, end, label] = r.split(',');
    return { start: Number(start), end: Number(end), label };
  });
}

describe('synthetic recordings', () => {
  const a = tempDir();
  const b = tempDir();
  const c = tempDir();
  let summary: Awaited<ReturnType<typeof renderRecordings>>;

  it('same seed gives byte-identical videos, labels and subjects.json', async () => {
    summary = await renderRecordings({ out: a, seed: 5, ...tiny });
    await renderRecordings({ out: b, seed: 5, ...tiny });
    const fa = files(a);
    const fb = files(b);
    assert.deepEqual([...fa.keys()], ['s01_c01.avi', 's01_c01.labels.csv', 'subjects.json']);
    for (const [name, bytes] of fa) assert.deepEqual(bytes, fb.get(name), `${name} differs between runs`);
  });

  it('a different seed gives different bytes', async () => {
    await renderRecordings({ out: c, seed: 6, ...tiny });
    const fa = files(a);
    const fc = files(c);
    assert.notDeepEqual(fa.get('s01_c01.avi'), fc.get('s01_c01.avi'));
    assert.notDeepEqual(fa.get('subjects.json'), fc.get('subjects.json'));
  });

  it('ffmpeg decodes exactly the labelled number of frames', () => {
    const frames = decodedFrames(path.join(a, 'recordings', 's01_c01.avi'));
    assert.equal(frames, summary.clips[0].frames);
    assert.equal(frames, 3 * tiny.fps);
    const ranges = parseLabels(readFileSync(path.join(a, 'recordings', 's01_c01.labels.csv'), 'utf8'));
    assert.ok(Math.abs(ranges[ranges.length - 1].end - frames / tiny.fps) < 1e-6);
  });

  it('labels are well-formed: contiguous, non-overlapping, whole frames, known classes', () => {
    const ranges = parseLabels(readFileSync(path.join(a, 'recordings', 's01_c01.labels.csv'), 'utf8'));
    assert.equal(ranges[0].start, 0);
    for (let i = 0; i < ranges.length; i++) {
      const r = ranges[i];
      assert.ok((LABELS as readonly string[]).includes(r.label), r.label);
      assert.ok(r.end > r.start);
      for (const t of [r.start, r.end])
        assert.ok(Math.abs(t * tiny.fps - Math.round(t * tiny.fps)) < 1e-4, `${t} is not on a frame boundary`);
      if (i > 0) {
        assert.ok(Math.abs(ranges[i - 1].end - r.start) < 1e-9, 'ranges touch');
        assert.notEqual(ranges[i - 1].label, r.label, 'neighbours are merged');
      }
    }
  });

  it('subjects.json describes each subject and the clips', () => {
    const card = JSON.parse(readFileSync(path.join(a, 'recordings', 'subjects.json'), 'utf8'));
    assert.equal(card.subjects.length, 1);
    assert.equal(card.subjects[0].id, 's01');
    assert.ok(card.subjects[0].hair.style && card.subjects[0].top.pattern);
    assert.equal(card.clips[0].file, 's01_c01.avi');
    assert.doesNotMatch(JSON.stringify(card), new RegExp(a.replace(/[/\\]/g, '.')), 'no absolute paths');
  });

  it('worker threads give the same bytes as rendering in this thread', async () => {
    const w = tempDir();
    const opts = { ...tiny, subjects: 2, maxSeconds: 1 };
    await renderRecordings({ out: w, seed: 9, ...opts, workers: 2 });
    const m = tempDir();
    await renderRecordings({ out: m, seed: 9, ...opts, workers: 0 });
    const fw = files(w);
    const fm = files(m);
    assert.equal(fw.size, 5);
    for (const [name, bytes] of fw) assert.deepEqual(bytes, fm.get(name), `${name} differs`);
  });
});

describe('clip plans and labels', () => {
  it('a full clip has 2-4 punches, 2-4 kicks, hard negatives, and strike frames of both classes', () => {
    const subject = randomSubjects(1, 1)[0];
    for (let seed = 1; seed <= 5; seed++) {
      const plan = planClip(mulberry32(seed), 320, 180, subject.height);
      const segs = plan.timeline.segments;
      const count = (prefix: string) =>
        new Set(
          segs.map((s, i) => (s.action.startsWith(prefix) && s.phase === 'windup' ? i : -1)).filter((i) => i >= 0),
        ).size;
      const punches = segs.filter((s) => s.cls === 'punch' && s.phase === 'windup').length;
      const kicks = segs.filter((s) => s.cls === 'kick' && s.phase === 'windup').length;
      assert.ok(punches >= 2 && punches <= 4, `punches ${punches}`);
      assert.ok(kicks >= 2 && kicks <= 4, `kicks ${kicks}`);
      assert.ok(count('punch') === punches);
      assert.ok(
        segs.some((s) => s.cls === 'other' && s.action !== 'walk' && !s.action.startsWith('idle')),
        'other actions',
      );
      const fps = 12;
      const labels = Array.from({ length: Math.floor(plan.duration * fps) }, (_, i) => {
        const s = plan.timeline.at(i / fps);
        return labelOf(s.phase, s.cls, 'exclude');
      });
      assert.ok(labels.filter((l) => l === 'punch').length >= 6);
      assert.ok(labels.filter((l) => l === 'kick').length >= 6);
    }
  });

  it('ambiguous mode decides wind-up / retraction labels', () => {
    assert.equal(labelOf('windup', 'punch', 'exclude'), 'ambiguous');
    assert.equal(labelOf('retract', 'kick', 'action'), 'kick');
    assert.equal(labelOf('windup', 'kick', 'other'), 'other');
    assert.equal(labelOf('strike', 'punch', 'other'), 'punch');
    assert.equal(labelOf('none', 'kick', 'action'), 'other');
  });

  it('frameRanges merges runs into half-open second ranges', () => {
    const r = frameRanges(['other', 'other', 'punch', 'ambiguous', 'other'], 10);
    assert.deepEqual(
      r.map((x) => [x.start, x.end, x.label]),
      [
        [0, 0.2, 'other'],
        [0.2, 0.3, 'punch'],
        [0.3, 0.4, 'ambiguous'],
        [0.4, 0.5, 'other'],
      ],
    );
    assert.equal(labelsCsv(r).split('\n')[2], '0.200000,0.300000,punch');
  });
});
