// Training settings that depend on the feature kind. Whole-frame MobileNet heads use the project's
// chosen hyper-parameters (chapter 06: 9,700 training rows with the augmented variants). The
// pose-based kinds train on the ~570 original frames (and mirrored copies) instead, where those
// settings stop after a handful of updates: smaller batches, more patience, and dropout against
// fitting a few hundred examples.
import type { Task } from '../features/sets';
import type { ProjectConfig } from '../train/config';
import type { Hyperparams } from '../train/train';
import type { FrameFeatures } from './spec';

export const DETECTOR_HYPERPARAMS: Record<Task, Hyperparams> = {
  binary: {
    hidden: 64,
    dropout: 0.2,
    learningRate: 0.003,
    batchSize: 32,
    maxEpochs: 200,
    patience: 20,
    loss: 'binaryCrossentropy',
    balanceClasses: true,
    seed: 1,
  },
  ternary: {
    hidden: 64,
    dropout: 0.2,
    learningRate: 0.003,
    batchSize: 32,
    maxEpochs: 200,
    patience: 20,
    loss: 'categoricalCrossentropy',
    balanceClasses: true,
    seed: 1,
  },
};

/** The hyper-parameters a head on `features` trains with (the config's for whole-frame MobileNet). */
export function hyperparamsFor(features: FrameFeatures, task: Task, config: ProjectConfig): Hyperparams {
  return features.kind === 'mobilenet' ? config.hyperparams[task] : DETECTOR_HYPERPARAMS[task];
}
