import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ARTICLE_THRESHOLDS,
  decide,
  decideBinary,
  decideOutputs,
  held,
  modelRule,
  parseThresholds,
  TRIED_HOLD,
} from '../src/decision';
import { actionsOf } from '../src/eval/evaluate';
import { computeMetrics, confusionMatrix, normaliseRows } from '../src/eval/metrics';
import {
  type BodyKeypoints,
  bodyView,
  bodyViews,
  KEYPOINT_COUNT,
  KEYPOINT_ROW,
  type KeypointName,
  KP,
  keypointsToRow,
} from '../src/pose/keypoints';

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

test("the article's decision rule: other vetoes, then the likelier action if it reaches its threshold", () => {
  assert.equal(decide({ punch: 0.3, kick: 0.3, other: 0.4 }), 'none', 'other at 0.4 vetoes');
  assert.equal(decide({ punch: 0.2, kick: 0.7, other: 0.1 }), 'kick');
  assert.equal(decide({ punch: 0.6, kick: 0.3, other: 0.1 }), 'punch');
  assert.equal(decide({ punch: 0.55, kick: 0.0, other: 0.45 }), 'none', 'other >= 0.4 vetoes a likelier punch');
  assert.equal(decide({ punch: 0.37, kick: 0.24, other: 0.39 }), 'punch', 'acts although other is the arg-max');
  assert.equal(decide({ punch: 0.34, kick: 0.3, other: 0.36 }), 'none', 'punch below 0.35');
  assert.equal(decide({ punch: 0.35, kick: 0.3, other: 0.35 }), 'punch', 'exactly 0.35 is enough');
  assert.equal(decide({ punch: 0.3, kick: 0.3, other: 0.4 - 1e-9 }), 'none', 'a tie is no action');
  assert.equal(decide({ punch: 0.5, kick: 0.2, other: 0.3 }, { other: 0.3, action: 0.35 }), 'none', 'a lower veto');
  assert.equal(decide({ punch: 0.5, kick: 0.2, other: 0.3 }, { other: 0.4, action: 0.55 }), 'none', 'a higher bar');
  assert.equal(decideBinary(0.4), 'punch');
  assert.equal(decideBinary(0.39), 'none');
  assert.equal(decideBinary(0.6, { punch: 0.7 }), 'none');
  assert.deepEqual(
    [
      decideOutputs(modelRule('ternary', ARTICLE_THRESHOLDS), [0.2, 0.7, 0.1]),
      decideOutputs(modelRule('binary', ARTICLE_THRESHOLDS), [0.5]),
    ],
    ['kick', 'punch'],
  );
});

test('the leg check: where the detector saw no leg, the kick probability counts as 0', () => {
  const noLeg = { legSeen: false };
  const leg = { legSeen: true };
  assert.equal(decide({ punch: 0.2, kick: 0.7, other: 0.1 }, ARTICLE_THRESHOLDS.ternary, leg), 'kick');
  assert.equal(decide({ punch: 0.2, kick: 0.7, other: 0.1 }, ARTICLE_THRESHOLDS.ternary, noLeg), 'none');
  // The punch no longer has to beat the kick, but still has to reach its threshold; "other" still vetoes.
  assert.equal(decide({ punch: 0.4, kick: 0.55, other: 0.05 }, ARTICLE_THRESHOLDS.ternary, noLeg), 'punch');
  assert.equal(decide({ punch: 0.3, kick: 0.65, other: 0.05 }, { other: 0.4, action: 0.55 }, noLeg), 'none');
  assert.equal(decide({ punch: 0.5, kick: 0.0, other: 0.5 }, ARTICLE_THRESHOLDS.ternary, noLeg), 'none');
  const rule = modelRule('ternary', ARTICLE_THRESHOLDS);
  assert.deepEqual(
    actionsOf(rule, Float32Array.from([0.2, 0.7, 0.1, 0.2, 0.7, 0.1, 0.2, 0.7, 0.1]), [leg, noLeg, leg]),
    ['kick', 'none', 'kick'],
  );
  assert.deepEqual(actionsOf(rule, Float32Array.from([0.2, 0.7, 0.1])), ['kick'], 'no views: no check (pixels)');
  assert.throws(() => actionsOf(rule, Float32Array.from([0.2, 0.7, 0.1]), [leg, leg]), /2 body views for 1 frames/);
  // The binary model has no kick to check.
  assert.equal(decideOutputs(modelRule('binary', ARTICLE_THRESHOLDS), [0.5], noLeg), 'punch');
});

test("the fourth round's hold: an action fires once it has come twice in a row, and while it lasts", () => {
  assert.equal(TRIED_HOLD, 2);
  assert.deepEqual(
    held(['punch', 'none', 'punch', 'punch', 'punch', 'kick', 'punch', 'kick', 'kick', 'none'], TRIED_HOLD),
    ['none', 'none', 'none', 'punch', 'punch', 'none', 'none', 'none', 'kick', 'none'],
  );
  // 1: each prediction on its own (the article, the page); 3: one more prediction of latency.
  const stream: ('punch' | 'none')[] = ['punch', 'none', 'punch', 'punch', 'punch'];
  assert.deepEqual(held(stream, 1), stream);
  assert.deepEqual(held(stream, 3), ['none', 'none', 'none', 'none', 'punch']);
  assert.throws(() => held(stream, 0), /whole number of predictions >= 1, got 0/);
});

test('a leg is seen when its knee and its ankle both reach the keypoint threshold', () => {
  const body = (scores: Partial<Record<KeypointName, number>>): BodyKeypoints => {
    const points = new Float32Array(KEYPOINT_COUNT * 3);
    for (const [name, score] of Object.entries(scores)) points[KP[name as KeypointName] * 3 + 2] = score;
    return { width: 640, height: 360, points };
  };
  const upper = { nose: 0.9, leftShoulder: 0.8, rightShoulder: 0.8, leftHip: 0.6, rightHip: 0.6 };
  assert.equal(bodyView(body(upper)).legSeen, false, 'cut at the hips');
  assert.equal(bodyView(body({ ...upper, leftKnee: 0.5, rightKnee: 0.5 })).legSeen, false, 'cut at the knees');
  assert.equal(bodyView(body({ ...upper, leftKnee: 0.5, rightAnkle: 0.5 })).legSeen, false, 'parts of two legs');
  assert.equal(bodyView(body({ ...upper, rightKnee: 0.2, rightAnkle: 0.2 })).legSeen, true, 'exactly 0.2 is seen');
  assert.equal(bodyView(body({ ...upper, leftKnee: 0.7, leftAnkle: 0.19 })).legSeen, false, 'just under 0.2 is not');
  const rows = new Float32Array(2 * KEYPOINT_ROW);
  rows.set(keypointsToRow(body({ ...upper, leftKnee: 0.5, leftAnkle: 0.5 })), 0);
  rows.set(keypointsToRow(body(upper)), KEYPOINT_ROW);
  assert.deepEqual(bodyViews(rows), [{ legSeen: true }, { legSeen: false }]);
});

test('thresholds from JSON: checked, and those of the earlier rule read (binary) or refused (3-way)', () => {
  assert.deepEqual(parseThresholds('ternary', { other: 0.5, action: 0.4 }, 'm.json'), { other: 0.5, action: 0.4 });
  assert.deepEqual(parseThresholds('binary', { punch: 0.55, note: 1 }, 'm.json'), { punch: 0.55 });
  assert.deepEqual(parseThresholds('binary', { any: 0.5, action: 0.5 }, 'm.json'), { punch: 0.5 });
  assert.throws(
    () => parseThresholds('ternary', { any: 0.45, action: 0.45 }, 'm.json'),
    /m\.json: "thresholds" \{"any":0\.45,"action":0\.45\} belong to an earlier decision rule.*\{"other":0\.4,/,
  );
  assert.throws(() => parseThresholds('ternary', { other: 1.5, action: 0.4 }, 'm.json'), /thresholds\.other" must be/);
  assert.throws(() => parseThresholds('binary', { other: 0.4 }, 'm.json'), /thresholds\.punch" must be a number/);
  assert.throws(() => parseThresholds('binary', [0.4], 'm.json'), /must be an object \{"punch": number\}/);
});
