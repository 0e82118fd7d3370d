// Dataset tooling: indexing with and without a manifest, validation, cleaning, balancing,
// numbering, subject split, dataset card, atomic rewrites, and the built-in pipeline on
// ffmpeg-made recordings. Small sharp-made images in temp folders.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { augmentDataset } from '../src/augment/dataset';
import { balanceClasses, balanceSplits, classCounts, classWeights } from '../src/data/balance';
import {
  ARTICLE_PER_CLASS,
  buildBuiltinDataset,
  builtinSettings,
  extractRecordings,
  listRecordings,
  synthStamp,
} from '../src/data/builtin';
import { cardMarkdown, MIN_TRAIN_PER_CLASS, makeCard, writeCard } from '../src/data/card';
import { findDrops } from '../src/data/clean';
import { type DatasetEntry, indexDataset } from '../src/data/entries';
import { readManifest, writeManifest } from '../src/data/manifest';
import { parseImageName, parseVideoName } from '../src/data/naming';
import { numberedNames } from '../src/data/number';
import { readSplit, SPLITS, splitBySubject, splitOf } from '../src/data/split';
import { validateDataset } from '../src/data/validate';
import { writeDataset } from '../src/data/write';
import { loadExamples } from '../src/features/sets';
import { settings } from '../src/settings';
import { sha256 } from '../src/util/hash';
import { mulberry32 } from '../src/util/random';
import { tempDir } from './helpers';

/** Random-looking RGB pixels (seeded), so images are not flat and differ from each other. */
function noisy(seed: number, width = 64, height = 36): Buffer {
  const rng = mulberry32(seed);
  const data = Buffer.alloc(width * height * 3);
  // Smooth-ish blocks of colour, so thumbnails keep the variation.
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++)
        data[(y * width + x) * 3 + c] =
          ((Math.floor(x / 8) * 37 + Math.floor(y / 6) * 91 + c * 50 + seed * 13) % 256) ^ Math.floor(rng() * 16);
  return data;
}

async function writeImage(
  file: string,
  data: Buffer,
  width = 64,
  height = 36,
  format: 'jpg' | 'png' = 'png',
): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp(data, { raw: { width, height, channels: 3 } });
  await (format === 'png' ? img.png() : img.jpeg({ quality: 95 })).toFile(file);
}

function flat(value: number, width = 64, height = 36): Buffer {
  return Buffer.alloc(width * height * 3, value);
}

/** A folder dataset without manifest: names carry subjects. */
async function folderDataset(dir: string, spec: Record<string, string[]>): Promise<void> {
  let seed = 1;
  for (const [cls, names] of Object.entries(spec)) {
    mkdirSync(path.join(dir, cls), { recursive: true });
    for (const name of names)
      await writeImage(path.join(dir, cls, name), noisy(seed++), 64, 36, name.endsWith('.png') ? 'png' : 'jpg');
  }
}

describe('names', () => {
  test('subject is the prefix before the first _ or -', () => {
    assert.deepEqual(parseImageName('punch/s01_c02_00017.jpg'), { subject: 's01', clip: 'c02', frame: 17 });
    assert.deepEqual(parseImageName('anna-3.png'), { subject: 'anna', clip: '', frame: 3 });
    assert.deepEqual(parseImageName('bob_take-two.jpg'), { subject: 'bob', clip: 'take-two', frame: -1 });
    assert.deepEqual(parseImageName('lili-c1-0004.jpg'), { subject: 'lili', clip: 'c1', frame: 4 });
    assert.deepEqual(parseImageName('17.jpg'), { subject: 'unknown', clip: '', frame: 17 });
    assert.deepEqual(parseVideoName('videos/s03_c02.avi'), { subject: 's03', clip: 'c02' });
    assert.deepEqual(parseVideoName('video.mov'), { subject: 'video', clip: '1' });
  });
});

describe('index and validate', () => {
  test('a folder without manifest: entries with subjects from file names', async () => {
    const dir = tempDir('kombat-ds-');
    await folderDataset(dir, { punch: ['ann_1.jpg', 'bob-1.png'], kick: ['ann_2.jpg'], other: ['cid_a_7.jpg'] });
    const index = await indexDataset(dir);
    assert.equal(index.fromManifest, false);
    assert.deepEqual(index.issues, []);
    assert.deepEqual(
      index.entries.map((e) => [e.file, e.label, e.subject]),
      [
        ['punch/ann_1.jpg', 'punch', 'ann'],
        ['punch/bob-1.png', 'punch', 'bob'],
        ['kick/ann_2.jpg', 'kick', 'ann'],
        ['other/cid_a_7.jpg', 'other', 'cid'],
      ],
    );
    assert.match(index.entries[0].sha256, /^[0-9a-f]{64}$/);
    const v = await validateDataset(index);
    assert.equal(v.errors, 0);
    assert.deepEqual(v.sizes.punch, { '64x36': 2 });
  });

  test('finds every kind of problem, naming the file (and manifest line)', async () => {
    const dir = tempDir('kombat-ds-bad-');
    await folderDataset(dir, { punch: ['a_1.jpg', 'a_2.jpg', 'a_3.jpg'], kick: ['b_1.jpg'], other: ['c_1.jpg'] });
    const index = await indexDataset(dir);
    await writeManifest(
      dir,
      index.entries.map(({ file, label, subject, clip, frame, source, sha256 }) => ({
        file,
        label,
        subject,
        clip,
        frame,
        source,
        sha256,
      })),
    );
    const rows = await readManifest(dir);
    rows.push({
      file: 'punch/gone_1.jpg',
      label: 'punch',
      subject: 'gone',
      clip: '',
      frame: 1,
      source: 'x',
      sha256: 'x',
    });
    rows.push({ file: 'jab/a_9.jpg', label: 'jab', subject: 'a', clip: '', frame: 9, source: 'x', sha256: 'x' });
    await writeManifest(dir, rows);
    await writeImage(path.join(dir, 'punch', 'a_2.jpg'), noisy(99), 64, 36, 'jpg'); // changed after listing
    await writeImage(path.join(dir, 'punch', 'a_3.jpg'), noisy(5, 80, 40), 80, 40, 'jpg'); // other size, listed so
    const a3 = rows.find((r) => r.file === 'punch/a_3.jpg');
    assert.ok(a3);
    a3.sha256 = sha256(readFileSync(path.join(dir, 'punch', 'a_3.jpg')));
    await writeManifest(dir, rows);
    writeFileSync(path.join(dir, 'kick', 'notes.txt'), 'hello');
    // not in the manifest, and corrupt
    writeFileSync(path.join(dir, 'kick', 'b_2.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    rmSync(path.join(dir, 'other', 'c_1.jpg'));
    mkdirSync(path.join(dir, 'jabs'));
    const v = await validateDataset(dir);
    const text = v.issues.map((i) => `${i.severity} ${i.line ?? '-'} ${i.file}: ${i.message}`);
    const has = (re: RegExp) =>
      assert.ok(
        text.some((t) => re.test(t)),
        `expected ${re} in\n${text.join('\n')}`,
      );
    has(/^error - jabs\/: unknown class folder/);
    has(/^error - kick\/notes\.txt: not an image file/);
    has(/^error - other\/: class folder is empty/);
    has(/^error 6 other\/c_1\.jpg: listed in the manifest but missing on disk/);
    has(/^error 7 punch\/gone_1\.jpg: listed in the manifest but missing on disk/);
    has(/^error 8 jab\/a_9\.jpg: unknown class "jab"/);
    has(/^error 3 punch\/a_2\.jpg: sha256 in manifest\.csv does not match the file .*--rehash/);
    has(/^error - punch\/a_3\.jpg: is 80x40, most of punch\/ is 64x36/);
    has(/^error - kick\/b_2\.jpg: truncated or corrupt image|^error - kick\/b_2\.jpg: cannot decode/);
    has(/^warning - kick\/b_2\.jpg: not in manifest\.csv/);
    assert.equal(v.warnings, 1);
  });
});

describe('one indexer', () => {
  // The namings the README documents: frames from `kombat frames` (<subject>_<clip>_<frame>.jpg, with a
  // manifest), a folder sorted by hand (<person>_*.jpg or <person>-*.jpg), and the article's 1.jpg .. N.jpg
  // (no subject in the name: "unknown" without a manifest, the manifest's subject with one).
  async function namings(dir: string): Promise<void> {
    let seed = 500;
    for (const cls of ['punch', 'kick', 'other']) {
      for (const name of [
        'ann_c1_00001.png',
        'ann_c1_00002.png',
        'bob-take2.png',
        'bob-take3.png',
        'cy_x.png',
        '7.png',
      ])
        await writeImage(path.join(dir, cls, name), noisy(seed++));
    }
  }

  test('every consumer gives a file the same subject and class, whatever its naming', async () => {
    const dir = tempDir('kombat-namings-');
    await namings(dir);
    const index = await indexDataset(dir);
    const subject = new Map(index.entries.map((e) => [e.file, `${e.label}:${e.subject}`]));
    assert.deepEqual(
      ['punch/ann_c1_00001.png', 'punch/bob-take2.png', 'punch/cy_x.png', 'punch/7.png'].map((f) => subject.get(f)),
      ['punch:ann', 'punch:bob', 'punch:cy', 'punch:unknown'],
    );
    // validation and cleaning see the index's entries
    const validation = await validateDataset(dir);
    assert.deepEqual(
      validation.index.entries.map((e) => `${e.label}:${e.subject}`),
      index.entries.map((e) => `${e.label}:${e.subject}`),
    );
    const cleaned = await findDrops(dir, index.entries);
    for (const e of cleaned.kept) assert.equal(`${e.label}:${e.subject}`, subject.get(e.file));
    // the split and the examples of training (4 subjects: unknown is one of them)
    const split = splitBySubject(
      index.entries.map((e) => e.subject),
      1,
    );
    assert.deepEqual([...split.train, ...split.val, ...split.test].sort(), ['ann', 'bob', 'cy', 'unknown']);
    writeFileSync(path.join(dir, 'split.json'), JSON.stringify(split));
    const examples = await loadExamples(dir);
    for (const e of examples.examples)
      assert.equal(`${e.label}:${e.subject}`, subject.get(path.relative(dir, e.file)), e.file);
    // augmentation: the variants' manifest keeps the source's subject and class
    const out = path.join(tempDir('kombat-namings-aug-'), 'aug');
    await augmentDataset({ data: dir, out, variants: 1, seed: 1, concurrency: 1 });
    const rows = await readManifest(out);
    assert.ok(rows.length > 0);
    for (const row of rows) assert.equal(`${row.label}:${row.subject}`, subject.get(row.source), row.file);
  });

  test("the article's numbering keeps its subjects through the manifest", async () => {
    const dir = tempDir('kombat-namings-');
    await namings(dir);
    const numbered = path.join(tempDir('kombat-numbered-'), 'numbered');
    const written = await writeDataset(dir, numbered, (await indexDataset(dir)).entries, { number: true });
    assert.ok(written.every((e) => /^(punch|kick|other)\/\d+\.png$/.test(e.file)));
    const again = await indexDataset(numbered);
    assert.deepEqual(
      again.entries.map((e) => e.subject).sort(),
      written.map((e) => e.subject).sort(),
      'subjects come from the manifest, not from 1.png',
    );
    assert.ok(again.entries.some((e) => e.subject === 'ann'));
    // Without the manifest the same files carry no subject.
    rmSync(path.join(numbered, 'manifest.csv'));
    assert.ok((await indexDataset(numbered)).entries.every((e) => e.subject === 'unknown'));
  });
});

describe('cleaning', () => {
  test('drops exact duplicates, near duplicates of the same clip, and blank or flat frames', async () => {
    const dir = tempDir('kombat-clean-');
    const base = noisy(1);
    const slightly = Buffer.from(base);
    for (let i = 0; i < slightly.length; i += 97) slightly[i] = slightly[i] ^ 1; // invisible change
    const moved = noisy(2); // a different pose
    await writeImage(path.join(dir, 'punch', 's1_c1_00000.png'), base);
    await writeImage(path.join(dir, 'punch', 's1_c1_00001.png'), slightly);
    await writeImage(path.join(dir, 'punch', 's1_c1_00002.png'), moved);
    const other = Buffer.from(base);
    for (let i = 5; i < other.length; i += 89) other[i] = other[i] ^ 1;
    await writeImage(path.join(dir, 'punch', 's2_c1_00000.png'), other); // near-identical but another subject: kept
    await writeImage(path.join(dir, 'kick', 's1_c2_00000.png'), noisy(3));
    await writeImage(path.join(dir, 'kick', 's1_c2_00001.png'), noisy(3)); // exact copy
    await writeImage(path.join(dir, 'other', 's1_c3_00000.png'), flat(0)); // black
    await writeImage(path.join(dir, 'other', 's1_c3_00001.png'), flat(128)); // flat grey
    await writeImage(path.join(dir, 'other', 's1_c3_00002.png'), noisy(4));
    const index = await indexDataset(dir);
    const r = await findDrops(dir, index.entries);
    const by = Object.fromEntries(r.dropped.map((d) => [d.file, d]));
    assert.deepEqual(Object.keys(by).sort(), [
      'kick/s1_c2_00001.png',
      'other/s1_c3_00000.png',
      'other/s1_c3_00001.png',
      'punch/s1_c1_00001.png',
    ]);
    assert.equal(by['kick/s1_c2_00001.png'].reason, 'duplicate');
    assert.equal(by['kick/s1_c2_00001.png'].of, 'kick/s1_c2_00000.png');
    assert.equal(by['punch/s1_c1_00001.png'].reason, 'near-duplicate');
    assert.equal(by['punch/s1_c1_00001.png'].of, 'punch/s1_c1_00000.png');
    assert.equal(by['other/s1_c3_00000.png'].reason, 'flat');
    assert.match(by['other/s1_c3_00000.png'].detail, /black/);
    assert.equal(by['other/s1_c3_00001.png'].reason, 'flat');
    assert.deepEqual(r.byReason, { flat: 2, duplicate: 1, 'near-duplicate': 1 });
    assert.equal(r.kept.length, 5);
    // A stricter threshold keeps the near duplicate.
    const strict = await findDrops(dir, index.entries, { nearThreshold: 0 });
    assert.equal(strict.byReason['near-duplicate'], 0);
  });
});

function entries(spec: Record<string, number>, subjects = ['s1', 's2', 's3', 's4', 's5']): DatasetEntry[] {
  const out: DatasetEntry[] = [];
  for (const [label, n] of Object.entries(spec)) {
    for (let i = 0; i < n; i++) {
      const subject = subjects[i % subjects.length];
      out.push({
        file: `${label}/${subject}_c1_${String(i).padStart(5, '0')}.jpg`,
        label: label as DatasetEntry['label'],
        subject,
        clip: 'c1',
        frame: i,
        source: 'v',
        sha256: `${label}${i}`,
        tracked: true,
      });
    }
  }
  return out;
}

describe('balancing', () => {
  const all = entries({ punch: 12, kick: 9, other: 40 });
  test('down-samples every class to the smallest, seeded and stable', () => {
    const r = balanceClasses(all, { seed: 7 });
    assert.equal(r.perClass, 9);
    assert.deepEqual(r.after, { punch: 9, kick: 9, other: 9 });
    assert.deepEqual(r.before, { punch: 12, kick: 9, other: 40 });
    assert.equal(r.kept.length + r.removed.length, all.length);
    assert.deepEqual(
      balanceClasses([...all].reverse(), { seed: 7 })
        .kept.map((e) => e.file)
        .sort(),
      r.kept.map((e) => e.file).sort(),
    );
    assert.notDeepEqual(
      balanceClasses(all, { seed: 8 }).kept.map((e) => e.file),
      r.kept.map((e) => e.file),
    );
  });
  test('every subject keeps an even share of each class', () => {
    // s1 has 40 punches, s2..s5 two each; a plain random pick of 10 would mostly take s1's.
    const punches = [
      ...entries({ punch: 40 }, ['s1']),
      ...['s2', 's3', 's4', 's5'].flatMap((s) =>
        entries({ punch: 2 }, [s]).map((e) => ({ ...e, file: e.file.replace('s1_', `${s}_`), subject: s })),
      ),
    ];
    const r = balanceClasses([...punches, ...entries({ kick: 10, other: 10 })], { seed: 3 });
    assert.equal(r.perClass, 10);
    const share: Record<string, number> = {};
    for (const e of r.kept.filter((x) => x.label === 'punch')) share[e.subject] = (share[e.subject] ?? 0) + 1;
    assert.deepEqual(share, { s1: 2, s2: 2, s3: 2, s4: 2, s5: 2 });
  });
  test('a given count per class; too many or an empty class is an error', () => {
    assert.deepEqual(balanceClasses(all, { seed: 1, perClass: 4 }).after, { punch: 4, kick: 4, other: 4 });
    assert.throws(() => balanceClasses(all, { seed: 1, perClass: 10 }), /cannot keep 10 per class: kick has 9/);
    assert.throws(() => balanceClasses(entries({ punch: 3, kick: 3 }), { seed: 1 }), /no images of other/);
  });
  test('class weights make every class weigh the same', () => {
    const w = classWeights(all);
    const c = classCounts(all);
    for (const k of ['punch', 'kick', 'other'] as const) assert.ok(Math.abs(w[k] * c[k] - all.length / 3) < 1e-9);
  });
  test('balanceSplits: each split on its own, train capped, val and test to their smallest class', () => {
    const subjects = ['s1', 's2', 's3', 's4', 's5', 's6'];
    const split = { seed: 1, train: ['s1', 's2', 's3', 's4'], val: ['s5'], test: ['s6'] };
    // Per subject: 30 punches, 20 kicks, 50 others, except s5 (few punches) and s6 (few kicks).
    const many = subjects.flatMap((s) =>
      entries({ punch: s === 's5' ? 7 : 30, kick: s === 's6' ? 5 : 20, other: 50 }, [s]).map((e) => ({
        ...e,
        file: e.file.replace('s1_', `${s}_`),
        subject: s,
      })),
    );
    const r = balanceSplits(many, split, { seed: 2, maxPerClass: { train: 60 } });
    assert.deepEqual(r.splits.train, {
      perClass: 60,
      maxPerClass: 60,
      before: { punch: 120, kick: 80, other: 200 },
      after: { punch: 60, kick: 60, other: 60 },
    });
    assert.deepEqual(r.splits.val, {
      perClass: 7,
      maxPerClass: null,
      before: { punch: 7, kick: 20, other: 50 },
      after: { punch: 7, kick: 7, other: 7 },
    });
    assert.deepEqual(r.splits.test, {
      perClass: 5,
      maxPerClass: null,
      before: { punch: 30, kick: 5, other: 50 },
      after: { punch: 5, kick: 5, other: 5 },
    });
    assert.equal(r.kept.length, 3 * (60 + 7 + 5));
    assert.equal(r.kept.length + r.removed.length, many.length);
    // Input order kept; the same seed gives the same choice, in any input order.
    assert.deepEqual(
      r.kept,
      many.filter((e) => r.kept.includes(e)),
    );
    assert.deepEqual(
      balanceSplits([...many].reverse(), split, { seed: 2, maxPerClass: { train: 60 } })
        .kept.map((e) => e.file)
        .sort(),
      r.kept.map((e) => e.file).sort(),
    );
    // Uncapped train keeps its smallest class; a given count wins over the cap.
    assert.equal(balanceSplits(many, split, { seed: 2 }).splits.train.perClass, 80);
    const given = balanceSplits(many, split, { seed: 2, perClass: { train: 10, val: 3 }, maxPerClass: { train: 60 } });
    assert.deepEqual(
      [
        given.splits.train.perClass,
        given.splits.train.maxPerClass,
        given.splits.val.perClass,
        given.splits.test.perClass,
      ],
      [10, null, 3, 5],
    );
  });
  test('balanceSplits: a split without a class, or a subject in no split, is an error naming it', () => {
    const split = { seed: 1, train: ['s1', 's2'], val: ['s3'], test: ['s4'] };
    const base = entries({ punch: 8, kick: 8, other: 8 }, ['s1', 's2', 's3', 's4']);
    assert.equal(balanceSplits(base, split, { seed: 1 }).splits.train.perClass, 4);
    const noTestKick = base.filter((e) => !(e.subject === 's4' && e.label === 'kick'));
    assert.throws(
      () => balanceSplits(noTestKick, split, { seed: 1 }),
      /^Error: test split \(s4\): cannot balance: no images of kick$/,
    );
    assert.throws(
      () => balanceSplits(base, split, { seed: 1, perClass: { train: 5 } }),
      /train split \(s1, s2\): cannot keep 5 per class/,
    );
    assert.throws(() => balanceSplits(base, { ...split, test: [] }, { seed: 1 }), /subjects in no split: s4/);
  });
});

describe('numbering', () => {
  test('1..N per class, in subject/clip/frame order', () => {
    const names = numberedNames(entries({ punch: 3, kick: 2, other: 1 }, ['b', 'a']));
    assert.equal(names.get('punch/a_c1_00001.jpg'), 'punch/1.jpg');
    assert.equal(names.get('punch/b_c1_00000.jpg'), 'punch/2.jpg');
    assert.equal(names.get('punch/b_c1_00002.jpg'), 'punch/3.jpg');
    assert.equal(names.get('other/b_c1_00000.jpg'), 'other/1.jpg');
  });
});

describe('subject split', () => {
  const subjects = Array.from({ length: 12 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);
  test('no subject in two splits, every subject in one, seed-stable', () => {
    for (const seed of [1, 2, 3, 42]) {
      const split = splitBySubject([...subjects, ...subjects], seed);
      const all = [...split.train, ...split.val, ...split.test];
      assert.equal(all.length, 12);
      assert.equal(new Set(all).size, 12);
      for (const s of subjects) assert.ok(splitOf(split, s));
      assert.deepEqual(splitBySubject([...subjects].reverse(), seed), split);
    }
    assert.notDeepEqual(splitBySubject(subjects, 1).test, splitBySubject(subjects, 2).test);
    assert.throws(() => splitBySubject(['a', 'b'], 1), /at least 3 subjects/);
  });
});

describe('dataset card and atomic writes', () => {
  test('card counts per class, per subject and per split', async () => {
    const dir = tempDir('kombat-card-');
    await folderDataset(dir, {
      punch: ['a_c_1.png', 'a_c_2.png', 'b_c_1.png', 'c_c_1.png'],
      kick: ['a_c_3.png', 'b_c_2.png', 'c_c_2.png'],
      other: ['a_c_4.png', 'b_c_3.png', 'b_c_4.png', 'c_c_3.png', 'd_c_1.png'],
    });
    const index = await indexDataset(dir);
    const split = splitBySubject(
      index.entries.map((e) => e.subject),
      3,
    );
    const card = await makeCard(dir, index.entries, { source: 'test images', split });
    assert.equal(card.total, 12);
    assert.deepEqual(card.counts, { punch: 4, kick: 3, other: 5 });
    assert.deepEqual(card.subjects, ['a', 'b', 'c', 'd']);
    assert.deepEqual(card.perSubject.b, { counts: { punch: 1, kick: 1, other: 2 }, total: 4 });
    assert.deepEqual(card.sizes, { '64x36': 12 });
    assert.equal(card.seed, 3);
    const splits = card.splits;
    assert.ok(splits);
    assert.equal(splits.train.total + splits.val.total + splits.test.total, 12);
    for (const name of ['train', 'val', 'test'] as const) {
      const expected = classCounts(index.entries.filter((e) => split[name].includes(e.subject)));
      assert.deepEqual(splits[name].counts, expected);
    }
    assert.equal(card.trainMinPerClass, Math.min(...Object.values(splits.train.counts)));
    assert.equal((await makeCard(dir, index.entries, { source: 'no split' })).trainMinPerClass, null);
    const reports = path.join(dir, 'reports');
    const files = await writeCard(card, reports);
    assert.deepEqual(JSON.parse(readFileSync(files.json, 'utf8')), card);
    const md = readFileSync(files.markdown, 'utf8');
    assert.equal(md, cardMarkdown(card));
    assert.match(md, /\| b \| 1 \| 1 \| 2 \| 4 \|/);
    assert.deepEqual(readdirSync(reports).sort(), ['dataset.json', 'dataset.md']);
  });

  test('writeDataset: numbered copy with manifest and split; a failure leaves the old folder intact', async () => {
    const src = tempDir('kombat-write-');
    await folderDataset(src, {
      punch: ['a_c_1.png', 'b_c_1.png'],
      kick: ['a_c_2.png', 'c_c_1.png'],
      other: ['c_c_2.png', 'b_c_2.png'],
    });
    const index = await indexDataset(src);
    const out = path.join(src, '..', `${path.basename(src)}-out`);
    const split = splitBySubject(['a', 'b', 'c'], 1);
    const written = await writeDataset(src, out, index.entries, { number: true, split });
    assert.deepEqual(readdirSync(path.join(out, 'punch')).sort(), ['1.png', '2.png']);
    const rows = await readManifest(out);
    assert.deepEqual(rows.map((r) => r.file).sort(), written.map((e) => e.file).sort());
    assert.equal(rows.find((r) => r.file === 'punch/1.png')?.subject, 'a');
    assert.deepEqual(await readSplit(out), split);
    assert.equal((await validateDataset(out)).errors, 0);

    // Another dataset is never written over; the dataset itself is rewritten in place, atomically.
    await assert.rejects(writeDataset(src, out, index.entries), /holds a dataset \(the folder itself\)/);
    const before = readFileSync(path.join(out, 'manifest.csv'), 'utf8');
    const entries = (await indexDataset(out)).entries;
    const broken = [...entries, { ...entries[0], file: 'punch/missing.png' }];
    await assert.rejects(writeDataset(out, out, broken), /ENOENT/);
    assert.equal(readFileSync(path.join(out, 'manifest.csv'), 'utf8'), before);
    assert.deepEqual(readdirSync(path.join(out, 'punch')).sort(), ['1.png', '2.png']);
    assert.deepEqual(
      readdirSync(path.dirname(out)).filter((n) => n.includes(path.basename(out)) && n.includes('.tmp-')),
      [],
    );
  });
});

describe('built-in pipeline (recordings made with ffmpeg instead of src/synth)', () => {
  const under = (root: string) => ({ dataDir: path.join(root, 'data'), reportsDir: path.join(root, 'reports') });

  test("output folders: the settings' data and reports folders, or the given ones", () => {
    const { dataDir, reportsDir } = settings();
    const s = builtinSettings({});
    assert.equal(s.datasetDir, path.join(dataDir, 'builtin'));
    assert.equal(s.recordingsDir, path.join(dataDir, 'synthetic', 'recordings'));
    assert.equal(s.framesDir, path.join(dataDir, 'synthetic', 'frames'));
    assert.equal(s.reportsDir, reportsDir);
    const r = builtinSettings(under('/somewhere'));
    assert.deepEqual(
      [r.syntheticDir, r.datasetDir, r.reportsDir],
      ['/somewhere/data/synthetic', '/somewhere/data/builtin', '/somewhere/reports'],
    );
    // KOMBAT_DATA_DIR and KOMBAT_REPORTS_DIR move them (settings are read once, so in a child process).
    const scratch = tempDir('kombat-paths-');
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "process.stdout.write(JSON.stringify(require('./src/data/builtin').builtinSettings({})))",
      ],
      {
        cwd: path.join(__dirname, '..'),
        env: { ...process.env, KOMBAT_DATA_DIR: path.join(scratch, 'd'), KOMBAT_REPORTS_DIR: path.join(scratch, 'r') },
        encoding: 'utf8',
      },
    );
    const moved = JSON.parse(out);
    assert.equal(moved.datasetDir, path.join(scratch, 'd', 'builtin'));
    assert.equal(moved.syntheticDir, path.join(scratch, 'd', 'synthetic'));
    assert.equal(moved.reportsDir, path.join(scratch, 'r'));
  });

  function video(file: string, source: string, seconds: number): void {
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `${source}`,
      '-t',
      String(seconds),
      '-c:v',
      'mjpeg',
      '-q:v',
      '3',
      file,
    ]);
  }
  test('frames -> clean -> subject split -> balance each split -> dataset + card', async () => {
    const root = tempDir('kombat-builtin-');
    const rec = path.join(root, 'data', 'synthetic', 'recordings');
    mkdirSync(rec, { recursive: true });
    // Frames that change a lot from one to the next: nothing here is a near duplicate.
    const sources = [
      'testsrc2=size=320x180:rate=10,noise=alls=30:allf=t',
      'smptehdbars=size=320x180:rate=10,noise=alls=30:allf=t',
      'rgbtestsrc=size=320x180:rate=10,noise=alls=30:allf=t',
    ];
    ['s01', 's02', 's03'].forEach((s, i) => {
      video(path.join(rec, `${s}_c01.avi`), sources[i], 3);
      writeFileSync(
        path.join(rec, `${s}_c01.labels.csv`),
        'start,end,label\n0,0.8,punch\n0.8,1,ambiguous\n1,2,kick\n2,3,other\n',
      );
    });
    // A still stretch (all frames alike) for s04: near duplicates and duplicates to clean. A second,
    // moving clip gives s04 every class, so whichever split s04 lands in can be balanced.
    video(
      path.join(rec, 's04_c01.mkv'),
      'color=c=0x336699:size=320x180:rate=10,drawbox=x=100:y=50:w=60:h=60:color=yellow:t=fill',
      3,
    );
    writeFileSync(path.join(rec, 's04_c01.labels.csv'), 'start,end,label\n0,1,punch\n1,2,kick\n2,3,other\n');
    video(path.join(rec, 's04_c02.avi'), 'testsrc=size=320x180:rate=10,noise=alls=30:allf=t', 3);
    writeFileSync(
      path.join(rec, 's04_c02.labels.csv'),
      'start,end,label\n0,0.8,punch\n0.8,1,ambiguous\n1,2,kick\n2,3,other\n',
    );
    // Pretend synth made these with the default smoke settings.
    writeFileSync(
      path.join(root, 'data', 'synthetic', 'build.json'),
      JSON.stringify(synthStamp({ ...under(root), smoke: true })),
    );

    const recordings = await listRecordings(rec);
    assert.equal(recordings.length, 5);
    const x = await extractRecordings(recordings, path.join(root, 'tmp-frames'));
    assert.deepEqual(x.counts, { punch: 42, kick: 50, other: 50 });
    assert.equal(x.ambiguous, 8);

    const lines: string[] = [];
    const r = await buildBuiltinDataset({ ...under(root), smoke: true, fps: 10, log: (l) => lines.push(l) });
    assert.match(lines[0], /reusing 5 recordings/);
    assert.equal(r.extraction.frames, 142);
    // s04 is a still image: its 30 identical frames collapse to the first in file order (exact duplicates,
    // whatever their label); nothing else is dropped.
    assert.deepEqual(r.cleaning.byReason, { flat: 0, duplicate: 29, 'near-duplicate': 0 });
    assert.ok(r.cleaning.dropped.every((d) => d.subject === 's04' && d.of === 'kick/s04_c01_00010.jpg'));
    // Split first (by subject, no one in two splits), then every split balanced on its own: train to
    // its smallest class but at most the article's 190, validation and test to their smallest class.
    const ds = path.join(root, 'data', 'builtin');
    const split = await readSplit(ds);
    assert.deepEqual(split, r.split);
    const seen = [...split.train, ...split.val, ...split.test];
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual([...seen].sort(), ['s01', 's02', 's03', 's04']);
    const b = r.balancing.splits;
    for (const name of SPLITS) {
      const before = classCounts(r.cleaning.kept.filter((e) => split[name].includes(e.subject)));
      assert.deepEqual(b[name].before, before);
      const smallest = Math.min(...Object.values(before));
      assert.equal(b[name].perClass, name === 'train' ? Math.min(ARTICLE_PER_CLASS, smallest) : smallest);
      assert.equal(b[name].maxPerClass, name === 'train' ? ARTICLE_PER_CLASS : null);
      const after = classCounts(r.entries.filter((e) => split[name].includes(e.subject)));
      assert.deepEqual(after, { punch: b[name].perClass, kick: b[name].perClass, other: b[name].perClass });
    }
    // No near duplicates here, so the counts are those of the frames: train s01+s03 (2 x 8 punches), val and test 8.
    assert.deepEqual(
      SPLITS.map((name) => b[name].perClass),
      [16, 8, 8],
    );
    const v = await validateDataset(ds);
    assert.equal(v.errors, 0);
    assert.deepEqual(v.sizes.punch, { '320x180': 16 + 8 + 8 });
    const card = JSON.parse(readFileSync(path.join(root, 'reports', 'dataset.json'), 'utf8'));
    assert.deepEqual(card.subjects, ['s01', 's02', 's03', 's04']);
    assert.equal(card.total, 3 * (16 + 8 + 8));
    assert.equal(card.smoke, true);
    assert.equal(card.trainMinPerClass, 16);
    for (const name of SPLITS) {
      assert.deepEqual(card.splits[name].subjects, split[name]);
      assert.deepEqual(card.splits[name].counts, b[name].after);
      assert.deepEqual(card.balancing.splits[name], b[name]);
    }
    const md = readFileSync(path.join(root, 'reports', 'dataset.md'), 'utf8');
    assert.match(
      md,
      new RegExp(
        'training split: at least \\*\\*16\\*\\* images of every class ' +
          `.*at least ${MIN_TRAIN_PER_CLASS}: \\*\\*not met\\*\\* \\(expected in a smoke build\\)`,
      ),
    );
    for (const name of SPLITS) assert.match(md, new RegExp(`### ${name}: ${b[name].perClass} per class`));

    // Deterministic: a second build gives the same manifest.
    const first = readFileSync(path.join(ds, 'manifest.csv'), 'utf8');
    await buildBuiltinDataset({ ...under(root), smoke: true, fps: 10 });
    assert.equal(readFileSync(path.join(ds, 'manifest.csv'), 'utf8'), first);

    // A failing build (a broken labels file) leaves the dataset and card as they were.
    const cardBefore = readFileSync(path.join(root, 'reports', 'dataset.json'), 'utf8');
    writeFileSync(path.join(rec, 's02_c01.labels.csv'), 'start,end,label\n0,1,punch\n0.5,2,kick\n');
    await assert.rejects(
      buildBuiltinDataset({ ...under(root), smoke: true, fps: 10 }),
      /s02_c01\.labels\.csv line 3: range 0\.5-2 overlaps line 2/,
    );
    assert.equal(readFileSync(path.join(ds, 'manifest.csv'), 'utf8'), first);
    assert.equal(readFileSync(path.join(root, 'reports', 'dataset.json'), 'utf8'), cardBefore);
    assert.ok(existsSync(path.join(root, 'data', 'synthetic', 'frames', 'manifest.csv')));
  });
});
