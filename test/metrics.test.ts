import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide } from '../src/decision';
import { computeMetrics, confusionMatrix, normaliseRows } from '../src/eval/metrics';

test('confusion matrix counts (true row, predicted column)', () => {
  // truth:     0 0 0 1 1 2 2 2 2
  // predicted: 0 0 1 1 2 2 2 0 2
  const m = confusionMatrix([0, 0, 0, 1, 1, 2, 2, 2, 2], [0, 0, 1, 1, 2, 2, 2, 0, 2], 3);
  assert.deepEqual(m, [
    [2, 1, 0],
    [0, 1, 1],
    [1, 0, 3],
  ]);
  assert.throws(() => confusionMatrix([0, 1], [0], 2), /2 true labels but 1 predictions/);
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), /out of range at 1/);
});

test('precision, recall, F1, accuracy against hand-computed values', () => {
  const m = computeMetrics([0, 0, 0, 1, 1, 2, 2, 2, 2], [0, 0, 1, 1, 2, 2, 2, 0, 2], ['punch', 'kick', 'other']);
  // punch: tp 2, predicted 3, support 3 -> p 2/3, r 2/3
  // kick:  tp 1, predicted 2, support 2 -> p 1/2, r 1/2
  // other: tp 3, predicted 4, support 4 -> p 3/4, r 3/4
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);
  close(m.perClass.punch.precision, 2 / 3);
  close(m.perClass.kick.recall, 1 / 2);
  close(m.perClass.other.f1, 3 / 4);
  assert.equal(m.perClass.other.support, 4);
  close(m.accuracy, 6 / 9);
  close(m.balancedAccuracy, (2 / 3 + 1 / 2 + 3 / 4) / 3);
});

test('a class never predicted has precision 0, not NaN; normalised rows sum to 1', () => {
  const m = computeMetrics([0, 1, 1], [1, 1, 1], ['a', 'b']);
  assert.equal(m.perClass.a.precision, 0);
  assert.equal(m.perClass.a.f1, 0);
  assert.deepEqual(
    normaliseRows([
      [1, 3],
      [0, 0],
    ]),
    [
      [0.25, 0.75],
      [0, 0],
    ],
  );
});

test("the article's decision rule", () => {
  assert.equal(decide({ punch: 0.3, kick: 0.3, other: 0.39 }), 'none', 'nothing reaches 0.4');
  assert.equal(decide({ punch: 0.2, kick: 0.7, other: 0.1 }), 'kick');
  assert.equal(decide({ punch: 0.6, kick: 0.3, other: 0.1 }), 'punch');
  assert.equal(decide({ punch: 0.36, kick: 0.1, other: 0.54 }), 'punch', 'other reaches 0.4, punch >= 0.35');
  assert.equal(decide({ punch: 0.34, kick: 0.1, other: 0.56 }), 'none', 'punch below 0.35');
  assert.equal(decide({ punch: 0.45, kick: 0.45, other: 0.1 }), 'none', 'a tie is no action');
  assert.equal(
    decide({ punch: 0.5, kick: 0.2, other: 0.3 }, { any: 0.6, action: 0.35 }),
    'none',
    'thresholds are parameters',
  );
});
