// Hyper-parameter sweeps: seeded trial plans, a tiny sweep on synthetic features, the CSV round
// trip through danfojs, the config update, bad input.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../src/backend';
import { readConfig } from '../src/config';
import {
  checkSpace,
  chooseAfterSeedCheck,
  compareRows,
  describeSpace,
  gridTrials,
  readTableCsv,
  runSweep,
  type SearchSpace,
  SWEEP_COLUMNS,
  type SweepRow,
  sampleTrials,
  saveBestHyperparams,
  spaceSize,
  sweepHeatmap,
  sweepParallel,
  sweepTable,
  transferHyperparams,
  writeSweepCsv,
} from '../src/sweep';
import { clusterFixture, tempDir } from './helpers';

const fixture = clusterFixture;

const SPACE: SearchSpace = {
  learningRate: [1e-3, 1e-2, 3e-2],
  hidden: [8, 16],
  dropout: [0, 0.3],
  batchSize: [16, 32],
};

test('the grid and seeded samples of the space', () => {
  assert.equal(spaceSize(SPACE), 24);
  const grid = gridTrials(SPACE);
  assert.equal(grid.length, 24);
  assert.equal(
    new Set(grid.map((t) => `${t.learningRate}/${t.hidden}/${t.dropout}/${t.batchSize}`)).size,
    24,
    'all distinct',
  );
  assert.deepEqual(
    grid.map((t) => t.trial),
    [...Array(24).keys()].map((i) => i + 1),
  );

  const a = sampleTrials(SPACE, 7, 5);
  assert.deepEqual(sampleTrials(SPACE, 7, 5), a, 'same seed, same trials in the same order');
  assert.notDeepEqual(sampleTrials(SPACE, 7, 6), a, 'another seed, other trials');
  assert.equal(
    new Set(a.map((t) => `${t.learningRate}/${t.hidden}/${t.dropout}/${t.batchSize}`)).size,
    7,
    'distinct points',
  );
  assert.deepEqual(
    a.map((t) => t.trial),
    [1, 2, 3, 4, 5, 6, 7],
  );
  for (const t of a) {
    assert.ok(SPACE.learningRate.includes(t.learningRate) && SPACE.hidden.includes(t.hidden));
    assert.ok(SPACE.dropout.includes(t.dropout) && SPACE.batchSize.includes(t.batchSize));
  }
  assert.deepEqual(sampleTrials(SPACE, 5, 5), a.slice(0, 5), 'a shorter sample is a prefix of a longer one');
  assert.equal(sampleTrials(SPACE, 100, 1).length, 24, 'more trials than points: the whole grid');
  assert.match(describeSpace(SPACE), /learningRate\s+1e-3, 1e-2, 3e-2\n.*\n.*\n.*\n24 grid points/);
});

test('bad input: empty space, bad values, trials < 1', async () => {
  assert.throws(() => checkSpace({ ...SPACE, hidden: [] }), /search space: hidden has no values/);
  assert.throws(() => checkSpace({ ...SPACE, dropout: [1] }), /dropout value 1 is not a number in \[0, 1\)/);
  assert.throws(() => checkSpace({ ...SPACE, learningRate: [0.1, 0.1] }), /learningRate lists a value twice/);
  assert.throws(() => checkSpace({ ...SPACE, batchSize: [1.5] }), /batchSize value 1.5 is not a positive integer/);
  assert.throws(() => sampleTrials(SPACE, 0, 1), /trials must be a positive integer, got 0/);
  assert.throws(() => sampleTrials(SPACE, 2.5, 1), /trials must be a positive integer, got 2.5/);
  const data = { train: fixture(30, 1), val: fixture(15, 2) };
  await assert.rejects(
    runSweep(data, { task: 'ternary', space: SPACE, trials: 0 }),
    /trials must be a positive integer/,
  );
  await assert.rejects(
    runSweep(data, { task: 'ternary', space: { ...SPACE, learningRate: [] }, trials: 2 }),
    /learningRate has no values/,
  );
  await assert.rejects(
    runSweep(data, { task: 'ternary', space: SPACE, trials: 2, maxEpochs: 0 }),
    /maxEpochs must be a positive integer/,
  );
});

test('a tiny sweep: a row per trial, ranked by validation loss, CSV for danfojs, best saved to config', async () => {
  await initBackend();
  const data = { train: fixture(120, 1), val: fixture(60, 2), test: fixture(60, 3) };
  const seen: number[] = [];
  const result = await runSweep(data, {
    task: 'ternary',
    space: SPACE,
    trials: 4,
    seed: 3,
    maxEpochs: 6,
    patience: 2,
    onTrial: (_row, done, total) => {
      assert.equal(total, 4);
      seen.push(done);
    },
  });
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.equal(result.rows.length, 4);
  assert.equal(result.planned, 4);
  assert.equal(result.interrupted, false);
  assert.deepEqual(
    result.rows.map((r) => r.rank),
    [1, 2, 3, 4],
  );
  assert.deepEqual(new Set(result.rows.map((r) => r.trial)), new Set([1, 2, 3, 4]));
  for (const r of result.rows) {
    assert.deepEqual(Object.keys(r).sort(), [...SWEEP_COLUMNS].sort());
    assert.ok(r.bestEpoch >= 1 && r.bestEpoch <= r.epochs && r.epochs <= 6);
    assert.ok(r.valAccuracy >= 0 && r.valAccuracy <= 1 && Number.isFinite(r.valLoss) && r.seconds > 0);
    assert.ok(r.testAccuracy >= 0 && r.testAccuracy <= 1);
  }
  // The rule: lowest validation loss first.
  const losses = result.rows.map((r) => r.valLoss);
  assert.deepEqual(
    losses,
    [...losses].sort((a, b) => a - b),
  );
  assert.equal(result.best, result.rows[0]);
  assert.equal(result.best.valLoss, Math.min(...losses));
  const plan = sampleTrials(SPACE, 4, 3).find((t) => t.trial === result.best.trial);
  assert.ok(plan);
  assert.deepEqual(
    {
      lr: result.hyperparams.learningRate,
      h: result.hyperparams.hidden,
      d: result.hyperparams.dropout,
      b: result.hyperparams.batchSize,
    },
    { lr: plan.learningRate, h: plan.hidden, d: plan.dropout, b: plan.batchSize },
  );
  assert.equal(result.hyperparams.maxEpochs, 6);
  assert.equal(result.hyperparams.patience, 2);
  assert.equal(result.hyperparams.loss, 'categoricalCrossentropy');

  // Same seed, same outcome (seconds aside).
  const again = await runSweep(data, { task: 'ternary', space: SPACE, trials: 4, seed: 3, maxEpochs: 6, patience: 2 });
  const strip = (rows: SweepRow[]) => rows.map(({ seconds: _s, ...rest }) => rest);
  assert.deepEqual(strip(again.rows), strip(result.rows));

  // DataFrame and CSV round trip.
  const df = sweepTable(result.rows);
  assert.deepEqual(df.columns, [...SWEEP_COLUMNS]);
  assert.deepEqual(df.shape, [4, SWEEP_COLUMNS.length]);
  const dir = tempDir('kombat-sweep-');
  const csv = await writeSweepCsv(result, path.join(dir, 'sweep.csv'));
  const back = await readTableCsv(csv);
  assert.deepEqual(back.columns, [...SWEEP_COLUMNS]);
  assert.deepEqual(back.shape, [4, SWEEP_COLUMNS.length]);
  assert.deepEqual(
    back.trial.values,
    result.rows.map((r) => r.trial),
  );
  assert.deepEqual(
    back.valLoss.values,
    result.rows.map((r) => r.valLoss),
  );
  assert.deepEqual(
    back.stoppedBy.values,
    result.rows.map((r) => r.stoppedBy),
  );

  // Figures build.
  assert.equal(sweepParallel(result).data[0].type, 'parcoords');
  const heat = sweepHeatmap(result);
  assert.equal((heat.data[0].z as number[][]).length, SPACE.hidden.length);

  // The best into models/config.json (a scratch one), and its transfer to the binary task.
  const file = path.join(dir, 'config.json');
  await saveBestHyperparams(result, { alsoFor: ['binary'], file });
  const config = await readConfig(file);
  assert.deepEqual(config.hyperparams.ternary, result.hyperparams);
  assert.deepEqual(config.hyperparams.binary, transferHyperparams(result.hyperparams, 'binary'));
  assert.equal(config.hyperparams.binary.loss, 'binaryCrossentropy');
  assert.equal(config.hyperparams.binary.hidden, result.hyperparams.hidden);
});

test('the other rule ranks by validation balanced accuracy, ties by loss', () => {
  const row = (trial: number, valLoss: number, valBalancedAccuracy: number): SweepRow => ({
    rank: 0,
    trial,
    learningRate: 1e-3,
    hidden: 8,
    dropout: 0,
    batchSize: 16,
    valLoss,
    valAccuracy: valBalancedAccuracy,
    valBalancedAccuracy,
    bestEpoch: 1,
    epochs: 1,
    stoppedBy: 'max-epochs',
    seconds: 1,
    testAccuracy: 0.5,
  });
  const rows = [row(1, 0.5, 0.8), row(2, 0.4, 0.7), row(3, 0.45, 0.8)];
  assert.deepEqual(
    [...rows].sort(compareRows('valBalancedAccuracy')).map((r) => r.trial),
    [3, 1, 2],
  );
  assert.deepEqual(
    [...rows].sort(compareRows('valLoss')).map((r) => r.trial),
    [2, 3, 1],
  );
});

test('the seed-checked choice takes the lowest mean validation loss', () => {
  const row = (trial: number, valLoss: number, hidden: number): SweepRow => ({
    rank: trial,
    trial,
    learningRate: 1e-3,
    hidden,
    dropout: 0,
    batchSize: 16,
    valLoss,
    valAccuracy: 0.8,
    valBalancedAccuracy: 0.8,
    bestEpoch: 1,
    epochs: 1,
    stoppedBy: 'max-epochs',
    seconds: 1,
    testAccuracy: 0.5,
  });
  const rows = [row(1, 0.5, 64), row(2, 0.52, 128)];
  const result = {
    task: 'ternary' as const,
    rule: 'valLoss' as const,
    space: SPACE,
    settings: { maxEpochs: 5, patience: 2, seed: 1 },
    planned: 2,
    rows,
    best: rows[0],
    hyperparams: {
      hidden: 64,
      dropout: 0,
      learningRate: 1e-3,
      batchSize: 16,
      maxEpochs: 5,
      patience: 2,
      loss: 'categoricalCrossentropy' as const,
      balanceClasses: true,
      seed: 1,
    },
    interrupted: false,
    seconds: 1,
  };
  const check = [
    {
      trial: 1,
      learningRate: 1e-3,
      hidden: 64,
      dropout: 0,
      batchSize: 16,
      seeds: [1, 2],
      valLoss: [0.5, 0.6],
      valAccuracy: [0.8, 0.8],
      meanValLoss: 0.55,
      meanValAccuracy: 0.8,
      sdValAccuracy: 0,
    },
    {
      trial: 2,
      learningRate: 1e-3,
      hidden: 128,
      dropout: 0,
      batchSize: 16,
      seeds: [1, 2],
      valLoss: [0.52, 0.52],
      valAccuracy: [0.8, 0.8],
      meanValLoss: 0.52,
      meanValAccuracy: 0.8,
      sdValAccuracy: 0,
    },
  ];
  const chosen = chooseAfterSeedCheck(result, check);
  assert.equal(chosen.best.trial, 2);
  assert.equal(chosen.hyperparams.hidden, 128);
  assert.equal(chooseAfterSeedCheck(result, []), result);
});
