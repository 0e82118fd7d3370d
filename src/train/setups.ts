// The article's training set-ups and the project's corrected ones, as data.
import type { Task } from '../data/tasks';
import type { FrameFeatures } from '../features/kinds';
import type { Hyperparams } from './train';

/**
 * The article: dense 1024 relu, Adam at 1e-6, sigmoid cross-entropy (for the 3-way softmax model
 * too), no dropout, no early stopping, 500 epochs for the 3-way model. Its batch size is a fraction
 * of the data set whose value it does not print; its training log shows ten steps per epoch, so
 * batches here are a tenth of the training set (`batchFraction`).
 */
const ARTICLE_SETUP = {
  hidden: 1024,
  dropout: 0,
  learningRate: 1e-6,
  batchSize: 0,
  batchFraction: 0.1,
  maxEpochs: 500,
  patience: 0,
  loss: 'sigmoidCrossEntropy',
  balanceClasses: false,
  seed: 1,
} as const satisfies Hyperparams & { batchFraction: number };

/** The same set-up for both tasks (the 3-way model kept the binary one's loss). */
export const ARTICLE: Record<Task, Hyperparams & { batchFraction: number }> = {
  binary: ARTICLE_SETUP,
  ternary: ARTICLE_SETUP,
};

/**
 * The project's corrections: the loss that matches the output (binary or categorical
 * cross-entropy), a learning rate that converges in tens of epochs, dropout, early stopping on
 * validation loss, and class weights (the binary task is 1 punch : 2 not-punch).
 */
export const CORRECTED: Record<Task, Hyperparams> = {
  binary: {
    hidden: 1024,
    dropout: 0.5,
    learningRate: 1e-4,
    batchSize: 64,
    maxEpochs: 60,
    patience: 5,
    loss: 'binaryCrossentropy',
    balanceClasses: true,
    seed: 1,
  },
  ternary: {
    hidden: 1024,
    dropout: 0.5,
    learningRate: 1e-4,
    batchSize: 64,
    maxEpochs: 60,
    patience: 5,
    loss: 'categoricalCrossentropy',
    balanceClasses: true,
    seed: 1,
  },
};

/** The article's set-up for a training set of `n` examples (its batch size is a fraction of n). */
export function articleHyperparams(task: Task, n: number, overrides: Partial<Hyperparams> = {}): Hyperparams {
  const { batchFraction, ...hp } = ARTICLE[task];
  return { ...hp, batchSize: Math.max(1, Math.round(n * batchFraction)), ...overrides };
}

/**
 * Heads on the kinds with a detector (pose, person crop) train on the ~570 original frames (and
 * mirrored copies) instead of the 9,700 with augmented variants, where CORRECTED's settings stop
 * after a handful of updates: smaller batches, more patience, a smaller head with a little dropout
 * against fitting a few hundred examples.
 */
const DETECTOR_SETUP = {
  hidden: 64,
  dropout: 0.2,
  learningRate: 0.003,
  batchSize: 32,
  maxEpochs: 200,
  patience: 20,
  balanceClasses: true,
  seed: 1,
} as const;

export const DETECTOR_HYPERPARAMS: Record<Task, Hyperparams> = {
  binary: { ...DETECTOR_SETUP, loss: 'binaryCrossentropy' },
  ternary: { ...DETECTOR_SETUP, loss: 'categoricalCrossentropy' },
};

/** The hyper-parameters a head on `features` trains with: `configured` for whole-frame MobileNet. */
export function hyperparamsFor(
  features: FrameFeatures,
  task: Task,
  configured: Record<Task, Hyperparams>,
): Hyperparams {
  return features.kind === 'mobilenet' ? configured[task] : DETECTOR_HYPERPARAMS[task];
}
