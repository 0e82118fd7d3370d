// Chapter 03's results: every (input size, layer) configuration's accuracy and cost, and the
// configuration chosen by the rule (train/layer-study.ts runs the study and applies the rule).
import type { Task } from '../data/tasks';
import type { FeatureSpec } from '../features/spec';
import type { FeatureChoice, InputChoice, LayerStudy, LayerStudyRow } from '../train/layer-study';
import { inputLabel } from '../train/layer-study';
import type { Hyperparams } from '../train/train';
import { type BaseInput, type ResultsBase, resultsBase } from './common';

export interface LayerChoiceResults extends ResultsBase<'03-layer-choice'> {
  task: Task;
  trainingData: string;
  trainExamples: number;
  hyperparams: Hyperparams;
  inputs: (InputChoice & { label: string })[];
  layers: string[];
  latency: { frame: string; reps: number; warmup: number; note: string };
  rows: LayerStudyRow[];
  /** Per input: features computed now vs read from the cache, and the seconds it took. */
  features: LayerStudy['features'];
  choice: {
    rule: string;
    tolerance: number;
    cost: FeatureChoice['cost'];
    chosen: FeatureSpec;
    best: { input: string; layer: string };
    candidates: { input: string; layer: string }[];
  };
}

export function layerChoiceResults(
  input: BaseInput & {
    task: Task;
    study: LayerStudy;
    choice: FeatureChoice;
    inputs: readonly InputChoice[];
    layers: readonly string[];
    hyperparams: Hyperparams;
    latency: { frame: string; reps: number; warmup: number };
  },
): LayerChoiceResults {
  const { study, choice } = input;
  const where = (r: LayerStudyRow) => ({ input: r.input, layer: r.layer });
  return {
    ...resultsBase('03-layer-choice', input),
    task: input.task,
    trainingData: 'original frames of the training split (no augmented variants)',
    trainExamples: study.trainExamples,
    hyperparams: input.hyperparams,
    inputs: input.inputs.map((c) => ({ inputSize: c.inputSize, fit: c.fit, label: inputLabel(c) })),
    layers: [...input.layers],
    latency: {
      ...input.latency,
      note: 'median ms per single-frame call, preprocessing included, decoding excluded',
    },
    rows: study.rows,
    features: study.features,
    choice: {
      rule: choice.rule,
      tolerance: choice.tolerance,
      cost: choice.cost,
      chosen: choice.chosen.spec,
      best: where(choice.best),
      candidates: choice.candidates.map(where),
    },
  };
}
