// Cross-validation over people (train/cv.ts): the folds never put one person (or, with one person,
// one recording) in two folds; the held-out frames are scored by a head that never saw them; and
// the subjects of a folder come from names, a manifest or a --subjects-from file, with a clear
// message where none names a person.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../src/backend';
import { indexDataset, peopleOf, readSubjects, withSubjects } from '../src/data';
import type { PooledExample, PooledFeatures } from '../src/features/sets';
import { crossValidate, groupOf, planFolds } from '../src/train/cv';
import { mulberry32 } from '../src/util/random';
import { tempDir } from './helpers';

const LABELS = ['punch', 'kick', 'other'];

/** `people` x 3 classes x `perClass` frames in 2 recordings each, with `variants` augmented copies of each. */
function examples(people: string[], perClass: number, variants: number): PooledExample[] {
  const out: PooledExample[] = [];
  for (const subject of people)
    for (const label of LABELS)
      for (let i = 0; i < perClass; i++) {
        const clip = `${label}${i % 2}`;
        const source = `${label}/${subject}_${clip}_${i}.jpg`;
        const base = { label, subject, clip, sha256: source, source };
        out.push({ ...base, file: source, augmented: false });
        for (let v = 0; v < variants; v++) out.push({ ...base, file: `${source}_v${v}`, augmented: true });
      }
  return out;
}

test('planFolds: every person in exactly one fold; leave-one-out up to 8, dealt beyond', () => {
  for (const n of [2, 3, 7, 8, 11, 20]) {
    const people = Array.from({ length: n }, (_, i) => `p${i}`);
    const plan = planFolds(examples(people, 2, 1), 'data');
    assert.equal(plan.unit, 'person');
    assert.equal(plan.folds.length, Math.min(n, 8));
    const seen = plan.folds.flat();
    assert.equal(seen.length, n, 'no person in two folds');
    assert.deepEqual([...new Set(seen)].sort(), [...people].sort());
  }
});

test('planFolds with one person: folds over recordings, with a note; one recording is refused', () => {
  const plan = planFolds(examples(['ann'], 4, 2), 'data');
  assert.equal(plan.unit, 'recording');
  const seen = plan.folds.flat();
  assert.equal(seen.length, new Set(seen).size);
  assert.equal(seen.length, 6);
  assert.match(plan.note ?? '', /one person \(ann\).*not to a new person/);
  const single = examples(['ann'], 1, 0).map((e) => ({ ...e, clip: 'r1' }));
  assert.throws(() => planFolds(single, 'data'), /data: one person \(ann\) in one recording/);
});

test('crossValidate: held-out people never trained on; per-person scores; a learnable set scores well', async () => {
  await initBackend();
  const people = ['a', 'b', 'c', 'd'];
  const ex = examples(people, 6, 2);
  const d = 8;
  const rng = mulberry32(3);
  const x = new Float32Array(ex.length * d);
  for (const [i, e] of ex.entries()) {
    const c = LABELS.indexOf(e.label);
    for (let j = 0; j < d; j++) x[i * d + j] = (j % 3 === c ? 2 : 0) + (rng() - 0.5);
  }
  const pool: PooledFeatures = { examples: ex, x, featureSize: d };
  const plan = planFolds(ex, 'data');
  const hyperparams = {
    hidden: 8,
    dropout: 0,
    learningRate: 0.05,
    batchSize: 16,
    maxEpochs: 8,
    patience: 0,
    loss: 'categoricalCrossentropy' as const,
    balanceClasses: true,
    seed: 1,
  };
  const cv = await crossValidate({ task: 'ternary', hyperparams, pool, plan });
  assert.equal(cv.folds.length, 4);
  for (const fold of cv.folds) {
    const out = ex.filter((e) => fold.heldOut.includes(groupOf('person', e)));
    assert.equal(fold.frames, out.filter((e) => !e.augmented).length, 'held-out originals scored');
    assert.equal(
      fold.trainFrames,
      ex.length - out.length,
      "none of the held-out person's frames or variants trained on",
    );
  }
  assert.deepEqual(
    cv.perGroup.map((g) => g.group),
    people,
  );
  assert.ok(cv.perGroup.every((g) => g.frames === 18));
  assert.equal(cv.heldOutLoss.length, 8);
  assert.ok(cv.epochs >= 1 && cv.epochs <= 8);
  assert.ok(cv.metrics.accuracy > 0.9, `accuracy ${cv.metrics.accuracy}`);
});

test('subjects: from names, else --subjects-from; frames naming no one get the ways to name them', async () => {
  const dir = tempDir('kombat-subjects-');
  for (const cls of LABELS) {
    await fs.mkdir(path.join(dir, cls));
    for (const n of [1, 2]) await fs.writeFile(path.join(dir, cls, `${n}.jpg`), `${cls}${n}`);
  }
  const index = await indexDataset(dir);
  assert.throws(() => peopleOf(index), /6 of 6 frames name no person \(e\.g\. .*1\.jpg\).*--subjects-from/s);
  const csv = path.join(dir, '..', `${path.basename(dir)}-subjects.csv`);
  const rows = LABELS.flatMap((c) => [`${c}/1.jpg,ann`, `${c}/2.jpg,bob`]);
  await fs.writeFile(csv, `file,subject\n${rows.join('\n')}\n`);
  assert.deepEqual(peopleOf(withSubjects(index, await readSubjects(csv), csv)), ['ann', 'bob']);
  await fs.writeFile(csv, `file,subject\n${rows.slice(1).join('\n')}\n`);
  assert.throws(() => withSubjects(index, new Map(), csv), /names no subject for punch\/1\.jpg \(and 5 more\)/);
  await fs.writeFile(csv, 'file,subject\npunch/1.jpg,a_b\n');
  await assert.rejects(readSubjects(csv), /line 2: subject "a_b" must be letters, digits or '\.'/);
});

test('a binary folder: punch/ and any not-punch folders, kick/ optional', async () => {
  const dir = tempDir('kombat-binary-');
  for (const cls of ['punch', 'no-hits']) {
    await fs.mkdir(path.join(dir, cls));
    await fs.writeFile(path.join(dir, cls, 'ann_r1_00001.jpg'), cls);
  }
  const ternary = await indexDataset(dir);
  assert.ok(ternary.issues.some((i) => i.file === 'kick/' && /--task binary/.test(i.message)));
  const binary = await indexDataset(dir, { task: 'binary' });
  assert.deepEqual(
    binary.issues.filter((i) => i.severity === 'error'),
    [],
  );
  assert.deepEqual(binary.entries.map((e) => [e.file, e.label]).sort(), [
    ['no-hits/ann_r1_00001.jpg', 'other'],
    ['punch/ann_r1_00001.jpg', 'punch'],
  ]);
});
