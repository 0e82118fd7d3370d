// Evaluating a trained head on a feature set: class metrics, and the game's decision rule as an
// action classifier (punch / kick / none) with a sweep over its two thresholds (other, action).
import * as tf from '@tensorflow/tfjs';
import {
  type Action,
  type BodyView,
  decideOutputs,
  type ModelRule,
  type Probabilities,
  type TernaryThresholds,
} from '../decision';
import type { FeatureSet } from '../features/sets';
import { computeMetrics, type Metrics } from './metrics';

/** Row-major [n, units] outputs of the model (sigmoid or softmax). */
export function predict(model: tf.LayersModel, set: FeatureSet, batchSize = 1024): Float32Array {
  const n = set.y.length;
  const parts: Float32Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const rows = Math.min(batchSize, n - start);
    const out = tf.tidy(() => {
      const x = tf.tensor2d(set.x.subarray(start * set.featureSize, (start + rows) * set.featureSize), [
        rows,
        set.featureSize,
      ]);
      return model.predict(x) as tf.Tensor;
    });
    parts.push(out.dataSync() as Float32Array);
    out.dispose();
  }
  const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return all;
}

/** Predicted class per row: p >= 0.5 for one sigmoid unit, else the arg max. */
export function predictedClasses(outputs: Float32Array, units: number): Int32Array {
  const n = outputs.length / units;
  return Int32Array.from({ length: n }, (_, i) => {
    if (units === 1) return outputs[i] >= 0.5 ? 1 : 0;
    let best = 0;
    for (let c = 1; c < units; c++) if (outputs[i * units + c] > outputs[i * units + best]) best = c;
    return best;
  });
}

export function evaluateHead(model: tf.LayersModel, set: FeatureSet): Metrics & { outputs: Float32Array } {
  const units = set.classes.length === 2 ? 1 : set.classes.length;
  const outputs = predict(model, set);
  return { ...computeMetrics(set.y, predictedClasses(outputs, units), set.classes), outputs };
}

/** The game's actions, the classes of its decision rule scored as a classifier. */
export const GAME_ACTIONS: readonly Action[] = ['punch', 'kick', 'none'];

/** The binary model's actions: it can only punch. */
export const BINARY_ACTIONS: readonly Action[] = ['punch', 'none'];

/** The true action of a ternary label (punch, kick, other -> none). */
export function actionOf(label: string): Action {
  return label === 'punch' || label === 'kick' ? label : 'none';
}

/** 3-way outputs in TASK_CLASSES.ternary order (punch, kick, other). */
export function probabilitiesAt(outputs: Float32Array, i: number): Probabilities {
  return { punch: outputs[i * 3], kick: outputs[i * 3 + 1], other: outputs[i * 3 + 2] };
}

/**
 * The game's action for every row of a model's outputs (3 per row for the 3-way model, 1 for the
 * binary), with each frame's body view where a detector looked (the decision rule's leg check).
 */
export function actionsOf(rule: ModelRule, outputs: Float32Array, views?: readonly BodyView[]): Action[] {
  const units = rule.task === 'ternary' ? 3 : 1;
  const rows = outputs.length / units;
  if (views && views.length !== rows) throw new Error(`${views.length} body views for ${rows} frames`);
  return Array.from({ length: rows }, (_, i) =>
    decideOutputs(rule, outputs.subarray(i * units, (i + 1) * units), views?.[i]),
  );
}

/**
 * The decision rule scored as a classifier of actions: punch / kick / none for the 3-way model,
 * punch / none for the binary one (a kick frame should give no punch).
 */
export function actionMetrics(
  rule: ModelRule,
  outputs: Float32Array,
  labels: string[],
  views?: readonly BodyView[],
): Metrics {
  const actions = rule.task === 'ternary' ? GAME_ACTIONS : BINARY_ACTIONS;
  const index = (a: Action) => actions.indexOf(rule.task === 'ternary' || a === 'punch' ? a : 'none');
  const truth = labels.map((l) => index(actionOf(l)));
  const predicted = actionsOf(rule, outputs, views).map(index);
  return computeMetrics(truth, predicted, [...actions]);
}

export interface ThresholdPoint extends TernaryThresholds {
  punchPrecision: number;
  punchRecall: number;
  kickPrecision: number;
  kickRecall: number;
  /** Mean F1 of punch and kick: what the game needs most. */
  actionF1: number;
}

/** The threshold pairs a sweep scores: every `other` veto with every `action`. */
export interface ThresholdGrid {
  other: number[];
  action: number[];
}

/** Precision and recall of punch and kick actions over a grid of (other, action) thresholds. */
export function thresholdSweep(outputs: Float32Array, labels: string[], grid: ThresholdGrid): ThresholdPoint[] {
  const points: ThresholdPoint[] = [];
  for (const other of grid.other) {
    for (const action of grid.action) {
      const m = actionMetrics({ task: 'ternary', thresholds: { other, action } }, outputs, labels);
      const { punch, kick } = m.perClass;
      points.push({
        other,
        action,
        punchPrecision: punch.precision,
        punchRecall: punch.recall,
        kickPrecision: kick.precision,
        kickRecall: kick.recall,
        actionF1: (punch.f1 + kick.f1) / 2,
      });
    }
  }
  return points;
}
