// kombat frames: extraction with ffmpeg, sorting by label ranges, manifest merging, and every bad
// input with a message naming the file and line. Tiny ffmpeg-made videos in temp folders.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { extractFrames } from '../src/data/frames';
import { parseLabels, rangeAt } from '../src/data/labels';
import { readManifest } from '../src/data/manifest';
import { snapshot, tempDir } from './helpers';

/** A 320x180 MJPEG video of `seconds` at `fps`, every frame different (testsrc draws a counter). */
function makeVideo(file: string, seconds = 3, fps = 10, source = 'testsrc'): string {
  mkdirSync(path.dirname(file), { recursive: true });
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `${source}=size=320x180:rate=${fps}`,
    '-t',
    String(seconds),
    '-c:v',
    'mjpeg',
    '-q:v',
    '3',
    file,
  ]);
  return file;
}

function write(file: string, text: string): string {
  writeFileSync(file, text);
  return file;
}

const LABELS = 'start,end,label\n0,1,punch\n1,1.5,ambiguous\n1.5,2.5,kick\n';

describe('extractFrames', () => {
  const dir = tempDir('kombat-frames-');
  const video = makeVideo(path.join(dir, 'videos', 's01_c01.avi'));
  const labels = write(path.join(dir, 'videos', 's01_c01.labels.csv'), LABELS);

  test('sorts frames by label ranges: counts, names, ambiguous skipped, rest unlabelled', async () => {
    const out = path.join(dir, 'out1');
    const r = await extractFrames({ video, out, labels });
    assert.equal(r.subject, 's01');
    assert.equal(r.clip, 'c01');
    assert.equal(r.fps, 10);
    assert.equal(r.frames, 30);
    assert.deepEqual(r.counts, { punch: 10, kick: 10, other: 0 });
    assert.equal(r.ambiguous, 5);
    assert.equal(r.unlabelled, 5);
    const punch = readdirSync(path.join(out, 'punch')).sort();
    assert.equal(punch.length, 10);
    assert.equal(punch[0], 's01_c01_00000.jpg');
    assert.equal(punch[9], 's01_c01_00009.jpg');
    // Frame 15 is at exactly 1.5 s: the start of the kick range ([start, end) ranges).
    assert.ok(existsSync(path.join(out, 'kick', 's01_c01_00015.jpg')));
    assert.ok(!existsSync(path.join(out, 'kick', 's01_c01_00014.jpg')));
    assert.equal(readdirSync(path.join(out, 'unlabelled')).length, 5);
    assert.ok(existsSync(path.join(out, 'unlabelled', 's01_c01_00025.jpg')));
    const rows = await readManifest(out);
    assert.equal(rows.length, 20);
    const row = rows.find((x) => x.file === 'kick/s01_c01_00015.jpg');
    assert.ok(row);
    assert.equal(row.label, 'kick');
    assert.equal(row.frame, 15);
    assert.equal(row.subject, 's01');
    assert.equal(row.source, video);
    assert.equal(
      row.sha256,
      createHash('sha256')
        .update(readFileSync(path.join(out, row.file)))
        .digest('hex'),
    );
    // Nothing temporary is left next to the output.
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.includes('.tmp-')),
      [],
    );
  });

  test('--fps resamples: frame n is at n / fps', async () => {
    const out = path.join(dir, 'out-fps');
    const r = await extractFrames({ video, out, labels, fps: 5 });
    assert.equal(r.frames, 15);
    assert.deepEqual(r.counts, { punch: 5, kick: 5, other: 0 });
    assert.equal(r.ambiguous, 3);
    assert.equal(r.unlabelled, 2);
  });

  test('times rounded to microseconds still put the first frame of a range in it', async () => {
    // 5/12 s = 0.41666..., written as 0.416667 (rounded up): frame 5 starts the kick range.
    const v12 = makeVideo(path.join(dir, 'videos', 's05_c01.avi'), 1, 12);
    const out = path.join(dir, 'out-rounding');
    const r = await extractFrames({
      video: v12,
      out,
      labels: write(
        path.join(dir, 'videos', 'r12.csv'),
        'start,end,label\n0.000000,0.416667,punch\n0.416667,1.000000,kick\n',
      ),
    });
    assert.deepEqual(r.counts, { punch: 5, kick: 7, other: 0 });
    assert.ok(existsSync(path.join(out, 'kick', 's05_c01_00005.jpg')));
  });

  test('without labels every frame is unlabelled and no manifest is written', async () => {
    const out = path.join(dir, 'out-nolabels');
    const r = await extractFrames({ video, out });
    assert.equal(r.unlabelled, 30);
    assert.equal(readdirSync(path.join(out, 'unlabelled')).length, 30);
    assert.ok(!existsSync(path.join(out, 'manifest.csv')));
  });

  test('a second video merges into the manifest; re-running one replaces its frames', async () => {
    const out = path.join(dir, 'out-merge');
    const other = makeVideo(path.join(dir, 'videos', 's02_c01.avi'), 2, 10, 'testsrc2');
    await extractFrames({ video, out, labels });
    await extractFrames({
      video: other,
      out,
      labels: write(path.join(dir, 'videos', 's02.csv'), 'start,end,label\n0,2,other\n'),
    });
    let rows = await readManifest(out);
    assert.equal(rows.filter((r) => r.subject === 's01').length, 20);
    assert.equal(rows.filter((r) => r.subject === 's02' && r.label === 'other').length, 20);
    // Relabel s01: everything punch now. Its old kick frames and unlabelled frames must go.
    await extractFrames({
      video,
      out,
      labels: write(path.join(dir, 'videos', 'all.csv'), 'start,end,label\n0,3,punch\n'),
    });
    rows = await readManifest(out);
    assert.equal(rows.filter((r) => r.subject === 's01').length, 30);
    assert.equal(rows.filter((r) => r.subject === 's02').length, 20);
    assert.deepEqual(readdirSync(path.join(out, 'kick')), []);
    assert.deepEqual(readdirSync(path.join(out, 'unlabelled')), []);
    assert.equal(readdirSync(path.join(out, 'punch')).length, 30);
    assert.equal(readdirSync(path.join(out, 'other')).length, 20);
  });

  test('subject and clip can be given for names without <subject>_<clip>', async () => {
    const plain = makeVideo(path.join(dir, 'videos', 'video.avi'), 1);
    const out = path.join(dir, 'out-named');
    const r = await extractFrames({
      video: plain,
      out,
      labels: write(path.join(dir, 'videos', 'p.csv'), 'start,end,label\n0,1,other\n'),
      subject: 'lili',
      clip: 'take2',
    });
    assert.equal(r.counts.other, 10);
    assert.ok(existsSync(path.join(out, 'other', 'lili_take2_00003.jpg')));
    await assert.rejects(extractFrames({ video: plain, out, subject: 'li_li' }), /subject "li_li"/);
  });

  describe('bad input: clear messages naming file and line, earlier output intact', () => {
    const out = path.join(dir, 'out-keep');
    let before: Record<string, string> = {};
    test('setup: a good run', async () => {
      await extractFrames({ video, out, labels });
      before = snapshot(out);
      assert.ok(Object.keys(before).length > 20);
    });

    const cases: [string, string, RegExp][] = [
      [
        'ends before it starts',
        'start,end,label\n0,1,punch\n1,2,other\n3.2,2.9,kick\n',
        /ranges\.csv line 4: range 3\.2-2\.9 ends before it starts/,
      ],
      ['empty range', 'start,end,label\n1,1,kick\n', /ranges\.csv line 2: range 1-1 is empty/],
      [
        'negative time',
        'start,end,label\n-0.5,1,kick\n',
        /ranges\.csv line 2: range -0\.5-1 starts at a negative time/,
      ],
      [
        'beyond the video',
        'start,end,label\n0,1,punch\n2,7.5,kick\n',
        /ranges\.csv line 3: range 2-7\.5 ends after the video does \(3\.00 s\)/,
      ],
      [
        'overlap',
        'start,end,label\n0,1.2,punch\n2,2.5,kick\n1,1.8,other\n',
        /ranges\.csv line 4: range 1-1\.8 overlaps line 2 \(0-1\.2\)/,
      ],
      ['unknown class', 'start,end,label\n0,1,punch\n1,2,jab\n', /ranges\.csv line 3: unknown class "jab"/],
      ['not a number', 'start,end,label\n0,one,punch\n', /ranges\.csv line 2: end "one" is not a number/],
      ['bad header', 'from,to,label\n0,1,punch\n', /ranges\.csv line 1: header is "from,to,label"/],
      ['missing field', 'start,end,label\n0,1\n', /ranges\.csv line 2: expected 3 fields/],
    ];
    for (const [name, text, message] of cases) {
      test(name, async () => {
        const file = write(path.join(dir, 'ranges.csv'), text);
        await assert.rejects(extractFrames({ video, out, labels: file }), message);
        assert.deepEqual(snapshot(out), before);
      });
    }

    test('a video ffmpeg cannot read', async () => {
      const junk = write(path.join(dir, 's09_c01.avi'), 'this is not a video');
      await assert.rejects(extractFrames({ video: junk, out, labels }), /s09_c01\.avi: ffmpeg cannot read this video/);
      await assert.rejects(
        extractFrames({ video: path.join(dir, 'absent_c1.avi'), out }),
        /absent_c1\.avi: ffmpeg cannot read/,
      );
      assert.deepEqual(snapshot(out), before);
    });

    test('a missing labels file', async () => {
      await assert.rejects(
        extractFrames({ video, out, labels: path.join(dir, 'nope.csv') }),
        /nope\.csv: cannot read \(ENOENT\)/,
      );
      assert.deepEqual(snapshot(out), before);
    });

    test('nothing temporary is left behind', () => {
      assert.deepEqual(
        readdirSync(dir).filter((n) => n.includes('.tmp-')),
        [],
      );
    });
  });
});

describe('label ranges', () => {
  test('sorted, half-open, comments and blank lines allowed', () => {
    const ranges = parseLabels('start,end,label\n# a comment\n\n2,3,kick\n0,1,punch\n', 'r.csv');
    assert.deepEqual(
      ranges.map((r) => [r.start, r.label, r.line]),
      [
        [0, 'punch', 5],
        [2, 'kick', 4],
      ],
    );
    assert.equal(rangeAt(ranges, 1)?.label, undefined);
    assert.equal(rangeAt(ranges, 0.999)?.label, 'punch');
    assert.equal(rangeAt(ranges, 2)?.label, 'kick');
  });
  test('touching ranges do not overlap; a tiny slack past the duration is allowed', () => {
    assert.equal(
      parseLabels('start,end,label\n0,1,punch\n1,2,kick\n', 'r.csv', { duration: 1.98, tolerance: 0.05 }).length,
      2,
    );
    assert.throws(
      () => parseLabels('start,end,label\n0,1,punch\n1,2.1,kick\n', 'r.csv', { duration: 2, tolerance: 0.05 }),
      /r\.csv line 3: .*ends after the video/,
    );
  });
  test('an empty file', () => {
    assert.throws(() => parseLabels('', 'empty.csv'), /empty\.csv: empty/);
  });
});
