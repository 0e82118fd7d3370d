// Training on a small fixture: determinism, early stopping, interruption, bad input.

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend, tf } from '../src/backend';
import { liveWorkers } from '../src/pool/workers';
import { Adam } from '../src/train/adam';
import { buildHead } from '../src/train/head';
import { trainHeads } from '../src/train/parallel';
import { type Hyperparams, trainHead } from '../src/train/train';
import { clusterFixture } from './helpers';

const fixture = clusterFixture;

const hp: Hyperparams = {
  hidden: 32,
  dropout: 0.3,
  learningRate: 1e-2,
  batchSize: 16,
  maxEpochs: 8,
  patience: 0,
  loss: 'categoricalCrossentropy',
  balanceClasses: true,
  seed: 42,
};

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

test('two runs with one seed give identical weights and metrics', async () => {
  await initBackend();
  const [train, val] = [fixture(150, 1), fixture(60, 2)];
  const a = await trainHead(train, val, hp);
  const b = await trainHead(train, val, hp);
  assert.deepEqual(
    a.history.map(({ seconds: _s, ...rest }) => rest),
    b.history.map(({ seconds: _s, ...rest }) => rest),
  );
  assert.deepEqual(await weightsOf(a.model), await weightsOf(b.model));
  const c = await trainHead(train, val, { ...hp, seed: 43 });
  assert.notDeepEqual(await weightsOf(a.model), await weightsOf(c.model), 'another seed gives other weights');
  const last = a.history.at(-1);
  assert.ok((last?.valAcc ?? 0) > 0.8, `learns the clusters: ${JSON.stringify(last)}`);
  for (const r of [a, b, c]) r.model.dispose();
});

test('binary task: one sigmoid unit; the article loss runs', async () => {
  const set = fixture(90, 3, ['other', 'punch']);
  const r = await trainHead(set, undefined, { ...hp, loss: 'sigmoidCrossEntropy', maxEpochs: 2 });
  assert.deepEqual(r.model.outputs[0].shape, [null, 1]);
  assert.equal(r.history.length, 2);
  r.model.dispose();
});

test('early stopping keeps the best epoch; an abort keeps the best so far', async () => {
  const [train, val] = [fixture(150, 1), fixture(60, 2)];
  const r = await trainHead(train, val, { ...hp, learningRate: 0.05, maxEpochs: 200, patience: 3 });
  assert.equal(r.stoppedBy, 'early-stopping');
  const bestLoss = Math.min(...r.history.map((h) => h.valLoss ?? Number.POSITIVE_INFINITY));
  assert.equal(r.history[r.bestEpoch - 1].valLoss, bestLoss);
  assert.equal(r.history.length, r.bestEpoch + 3);
  r.model.dispose();

  const controller = new AbortController();
  let batches = 0;
  const cut = await trainHead(
    train,
    val,
    { ...hp, patience: 5 },
    {
      signal: controller.signal,
      onBatch: () => {
        if (++batches === 15) controller.abort();
      },
    },
  );
  assert.equal(cut.stoppedBy, 'interrupted');
  assert.equal(cut.history.length, 1, 'the epoch in progress is dropped');
  assert.equal(cut.bestEpoch, 1);
  cut.model.dispose();
});

test('bad input: one class, empty split, mismatched feature sizes', async () => {
  const one = fixture(30, 1);
  one.y.fill(0);
  await assert.rejects(trainHead(one, undefined, hp), /holds only one class \(punch\)/);
  await assert.rejects(
    trainHead({ ...fixture(30, 1), y: new Int32Array(0), x: new Float32Array(0) }, undefined, hp),
    /training split is empty/,
  );
  const val = fixture(30, 2);
  await assert.rejects(
    trainHead(fixture(30, 1), { ...val, featureSize: 8, x: val.x.subarray(0, 240) }, hp),
    /validation features have size 8, training 16/,
  );
});

test('heads trained side by side in 2 workers are the heads this thread trains, bit for bit, in order', async () => {
  await initBackend();
  const [train, val] = [fixture(150, 1), fixture(60, 2)];
  const jobs = [
    { train, val, hyperparams: hp },
    { train, val, hyperparams: { ...hp, seed: 7, hidden: 16 } },
    {
      train: fixture(90, 3, ['other', 'punch']),
      hyperparams: { ...hp, loss: 'binaryCrossentropy' as const, dropout: 0 },
    },
  ];
  const epochs: number[] = [0, 0, 0];
  const parallel = await trainHeads(jobs, { workers: 2, onEpoch: (job) => epochs[job]++ });
  assert.equal(liveWorkers(), 0, 'the workers ended with the map');
  assert.deepEqual(epochs, [8, 8, 8], 'every epoch of every job was reported');
  for (const [i, job] of jobs.entries()) {
    const here = await trainHead(job.train, job.val, job.hyperparams);
    const strip = (h: typeof here.history) => h.map(({ seconds: _s, ...rest }) => rest);
    assert.deepEqual(strip(parallel[i].history), strip(here.history), `job ${i}: the same epochs`);
    assert.deepEqual(await weightsOf(parallel[i].model), await weightsOf(here.model), `job ${i}: the same weights`);
    here.model.dispose();
    parallel[i].model.dispose();
  }
  await assert.rejects(
    trainHeads([jobs[0], { train: fixture(20, 4, ['only']), hyperparams: hp }], { workers: 2 }),
    /head 2 of 2 .*: the training split holds only one class/,
  );
  assert.equal(liveWorkers(), 0, 'a failed map ends its workers');
});

test("the head's Adam gives tf.train.adam's updates, to float rounding", async () => {
  await initBackend();
  const model = (seed: number) => buildHead({ inputSize: 16, hidden: 32, classes: 3, seed });
  const [ours, theirs] = [model(5), model(5)];
  const set = fixture(64, 9);
  const x = tf.tensor2d(set.x, [64, 16]);
  const y = tf.oneHot(tf.tensor1d(set.y, 'int32'), 3).cast('float32');
  const loss = (m: tf.LayersModel) => () => tf.losses.softmaxCrossEntropy(y, m.apply(x) as tf.Tensor) as tf.Scalar;
  const adam = new Adam(0.01);
  const reference = tf.train.adam(0.01);
  for (let step = 0; step < 30; step++) {
    tf.tidy(() => {
      const variables = ours.trainableWeights.map((v) => v.read() as tf.Variable);
      adam.update(tf.variableGrads(loss(ours), variables).grads);
      reference.minimize(
        loss(theirs),
        false,
        theirs.trainableWeights.map((v) => v.read() as tf.Variable),
      );
    });
  }
  const [a, b] = [await weightsOf(ours), await weightsOf(theirs)];
  let worst = 0;
  for (let k = 0; k < a.length; k++)
    for (let i = 0; i < a[k].length; i++) worst = Math.max(worst, Math.abs(a[k][i] - b[k][i]));
  assert.ok(worst < 1e-5, `weights differ by up to ${worst} after 30 steps`);
  const moved = Math.max(...a[0].map((v, i) => Math.abs(v - (model(5).getWeights()[0].dataSync()[i] as number))));
  assert.ok(moved > 0.05, `the weights hardly moved (${moved}): the comparison would prove nothing`);
  tf.dispose([x, y]);
  reference.dispose();
});
