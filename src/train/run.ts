// One experiment, end to end: dataset folder -> cached features of any kind per split -> a trained
// head -> metrics on train, validation and test. `kombat train`, the chapters and the export all
// go through here.
import { type Environment, initBackend } from '../backend';
import type { Task } from '../data/tasks';
import { evaluateHead } from '../eval/evaluate';
import type { Metrics } from '../eval/metrics';
import { frameSplitFeatures } from '../features/frame-sets';
import type { FramingSettings } from '../features/framings';
import type { DeclaredFeatures, FrameFeatures } from '../features/kinds';
import { type ExampleSet, loadExamples, type SplitFeatures } from '../features/sets';
import { sha256 } from '../util/hash';
import { trainHeads } from './parallel';
import { type Hyperparams, type TrainCallbacks, type TrainResult, trainHead } from './train';

/** Identifies the training data: the bytes, labels and split of every training example. */
export function trainingDataHash(set: ExampleSet): string {
  const lines = set.examples
    .filter((e) => e.split === 'train')
    .map((e) => `${e.sha256} ${e.label}`)
    .sort();
  return sha256(lines.join('\n'));
}

export interface RunMetrics {
  train: Metrics;
  val: Metrics;
  test: Metrics;
}

export interface TrainRun extends TrainResult {
  task: Task;
  /** The features as an exported model declares them: the kind's settings and the vector's length. */
  features: DeclaredFeatures;
  hyperparams: Hyperparams;
  metrics: RunMetrics;
  /** Model outputs on the test split, row-major, in `data.rows.test` order. */
  testOutputs: Float32Array;
  data: SplitFeatures;
  trainingDataHash: string;
  environment: Environment;
  seconds: { features: number; training: number };
}

export interface RunOptions extends TrainCallbacks {
  task: Task;
  /** Any feature kind (features/kinds.ts); models/config.json's features are whole-frame MobileNet. */
  features: FrameFeatures;
  hyperparams: Hyperparams;
  /** Examples (loadExamples), or a dataset folder and optionally its augmented copy. */
  examples?: ExampleSet;
  data?: string;
  augmented?: string;
  /** Include augmented variants in training (default true; whole-frame MobileNet only). */
  useAugmented?: boolean;
  /** Add left-right mirrored training copies (pose features only; default: for the pose kind). */
  mirrorTrain?: boolean;
  /** Add webcam framings of the training frames (pose features only). */
  framing?: FramingSettings;
  onFeatures?: (done: number, total: number) => void;
  log?: (line: string) => void;
}

function withoutOutputs(m: Metrics & { outputs: Float32Array }): Metrics {
  const { outputs: _outputs, ...rest } = m;
  return rest;
}

interface PreparedRun {
  options: RunOptions;
  examples: ExampleSet;
  data: SplitFeatures;
  featureSeconds: number;
  log: (line: string) => void;
}

async function prepareRun(options: RunOptions): Promise<PreparedRun> {
  const log = options.log ?? (() => {});
  const examples = options.examples ?? (options.data ? await loadExamples(options.data, options.augmented) : undefined);
  if (!examples) throw new Error('trainRun needs a dataset folder or examples');
  const t0 = performance.now();
  const data = await frameSplitFeatures(options.features, examples, options.task, {
    onBatch: options.onFeatures,
    includeAugmented: options.useAugmented,
    mirrorTrain: options.mirrorTrain,
    framing: options.framing,
  });
  const featureSeconds = (performance.now() - t0) / 1000;
  log(
    `features: ${data.train.y.length} train, ${data.val.y.length} val, ${data.test.y.length} test ` +
      `(${featureSeconds.toFixed(1)} s)`,
  );
  return { options, examples, data, featureSeconds, log };
}

function finishRun(run: PreparedRun, result: TrainResult, trainingSeconds: number, environment: Environment): TrainRun {
  const { options, data } = run;
  const test = evaluateHead(result.model, data.test);
  const metrics: RunMetrics = {
    train: withoutOutputs(evaluateHead(result.model, data.train)),
    val: withoutOutputs(evaluateHead(result.model, data.val)),
    test: withoutOutputs(test),
  };
  run.log(
    `trained ${result.history.length} epochs (${result.stoppedBy}, best ${result.bestEpoch}) in ` +
      `${trainingSeconds.toFixed(1)} s; test accuracy ${metrics.test.accuracy.toFixed(3)}`,
  );
  return {
    ...result,
    task: options.task,
    features: { ...options.features, featureSize: data.train.featureSize },
    hyperparams: options.hyperparams,
    metrics,
    testOutputs: test.outputs,
    data,
    trainingDataHash: trainingDataHash(run.examples),
    environment,
    seconds: { features: run.featureSeconds, training: trainingSeconds },
  };
}

export async function trainRun(options: RunOptions): Promise<TrainRun> {
  const environment = await initBackend();
  const run = await prepareRun(options);
  const t0 = performance.now();
  const result = await trainHead(run.data.train, run.data.val, options.hyperparams, options);
  return finishRun(run, result, (performance.now() - t0) / 1000, environment);
}

/**
 * Several runs, their heads trained side by side on the pool's threads (trainHeads): each head is
 * the one trainRun would give, bit for bit. Features are read first, run by run, in this thread.
 * Each run's onEpoch receives its own epochs; its training time is the sum of its epochs'.
 */
export async function trainRuns(
  runs: readonly RunOptions[],
  { workers }: { workers?: number } = {},
): Promise<TrainRun[]> {
  const environment = await initBackend();
  const prepared: PreparedRun[] = [];
  for (const options of runs) prepared.push(await prepareRun(options));
  const results = await trainHeads(
    prepared.map((p) => ({ train: p.data.train, val: p.data.val, hyperparams: p.options.hyperparams })),
    { workers, onEpoch: (i, log) => runs[i].onEpoch?.(log) },
  );
  return results.map((result, i) =>
    finishRun(
      prepared[i],
      result,
      result.history.reduce((sum, h) => sum + h.seconds, 0),
      environment,
    ),
  );
}
