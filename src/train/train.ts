// Training the head on cached features, seeded end to end: initialisers, dropout masks and batch
// order all derive from one seed (tfjs's own fit() shuffles with Math.random), so two runs on one
// backend give identical weights. Early stopping keeps the best weights; an abort signal (Ctrl-C in
// the CLI) stops after the current batch and keeps them too.
import * as tf from '@tensorflow/tfjs';
import type { FeatureSet } from '../features/sets';
import { mulberry32, shuffle } from '../util/random';
import { Adam } from './adam';
import { buildHead } from './head';

export type LossName = 'sigmoidCrossEntropy' | 'binaryCrossentropy' | 'categoricalCrossentropy';

export interface Hyperparams {
  hidden: number;
  dropout: number;
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  /** Epochs without a better validation loss before stopping; 0 trains all maxEpochs. */
  patience: number;
  loss: LossName;
  /** Weight samples inversely to class frequency. */
  balanceClasses: boolean;
  seed: number;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  acc: number;
  valLoss?: number;
  valAcc?: number;
  seconds: number;
}

export interface TrainResult {
  model: tf.Sequential;
  history: EpochLog[];
  /** Epoch whose weights the model holds (1-based). */
  bestEpoch: number;
  stoppedBy: 'max-epochs' | 'early-stopping' | 'interrupted';
}

export interface TrainCallbacks {
  onEpoch?: (log: EpochLog) => void;
  /** After each epoch, with the model as that epoch left it (cross-validation scores every epoch with it). */
  afterEpoch?: (model: tf.LayersModel, log: EpochLog) => void;
  onBatch?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

const EPS = 1e-7;

export function outputUnits(classes: string[]): number {
  return classes.length === 2 ? 1 : classes.length;
}

function targets(set: FeatureSet, idx: number[]): tf.Tensor2D {
  const labels = tf.tensor1d(
    idx.map((i) => set.y[i]),
    'int32',
  );
  const out =
    outputUnits(set.classes) === 1
      ? labels.cast('float32').expandDims(1)
      : tf.oneHot(labels, set.classes.length).cast('float32');
  labels.dispose();
  return out as tf.Tensor2D;
}

function rows(set: FeatureSet, idx: number[]): tf.Tensor2D {
  const d = set.featureSize;
  const buf = new Float32Array(idx.length * d);
  for (const [i, r] of idx.entries()) buf.set(set.x.subarray(r * d, (r + 1) * d), i * d);
  return tf.tensor2d(buf, [idx.length, d]);
}

/** Per-sample losses [n]. The article's sigmoid cross-entropy is applied to already-activated outputs, as it did. */
function perSampleLoss(name: LossName, y: tf.Tensor2D, p: tf.Tensor2D): tf.Tensor1D {
  if (name === 'sigmoidCrossEntropy')
    return tf.losses.sigmoidCrossEntropy(y, p, undefined, 0, tf.Reduction.NONE).mean(1) as tf.Tensor1D;
  const q = p.clipByValue(EPS, 1 - EPS);
  if (name === 'binaryCrossentropy')
    return tf.neg(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q))))).mean(1) as tf.Tensor1D;
  return tf.neg(tf.sum(tf.mul(y, tf.log(q)), 1)) as tf.Tensor1D;
}

function correct(y: tf.Tensor2D, p: tf.Tensor2D): tf.Tensor1D {
  return (
    y.shape[1] === 1
      ? tf.equal(y.squeeze([1]), p.squeeze([1]).greaterEqual(0.5).cast('float32'))
      : tf.equal(y.argMax(1), p.argMax(1))
  ).cast('float32') as tf.Tensor1D;
}

function classWeights(set: FeatureSet, balance: boolean): Float32Array {
  const k = set.classes.length;
  const counts = new Array<number>(k).fill(0);
  for (const c of set.y) counts[c]++;
  return Float32Array.from(counts, (n) => (balance && n > 0 ? set.y.length / (k * n) : 1));
}

function checkSet(set: FeatureSet, name: string): void {
  if (set.y.length === 0) throw new Error(`the ${name} split is empty`);
  if (set.x.length !== set.y.length * set.featureSize) {
    throw new Error(`${name} features hold ${set.x.length} values, expected ${set.y.length} x ${set.featureSize}`);
  }
}

/** Mean loss and accuracy of `model` on a set, in batches. */
export function evaluateSet(
  model: tf.LayersModel,
  set: FeatureSet,
  loss: LossName,
  batchSize = 512,
): { loss: number; acc: number } {
  let lossSum = 0;
  let accSum = 0;
  for (let start = 0; start < set.y.length; start += batchSize) {
    const idx = [...Array(Math.min(batchSize, set.y.length - start)).keys()].map((i) => start + i);
    const [l, a] = tf.tidy(() => {
      const y = targets(set, idx);
      const p = model.predict(rows(set, idx)) as tf.Tensor2D;
      return [perSampleLoss(loss, y, p).sum().dataSync()[0], correct(y, p).sum().dataSync()[0]];
    });
    lossSum += l;
    accSum += a;
  }
  return { loss: lossSum / set.y.length, acc: accSum / set.y.length };
}

export async function trainHead(
  train: FeatureSet,
  val: FeatureSet | undefined,
  hp: Hyperparams,
  cb: TrainCallbacks = {},
): Promise<TrainResult> {
  checkSet(train, 'training');
  if (val) checkSet(val, 'validation');
  if (new Set(train.y).size < 2)
    throw new Error(
      `the training split holds only one class (${train.classes[train.y[0]]}); a classifier needs at least two`,
    );
  if (val && val.featureSize !== train.featureSize)
    throw new Error(`validation features have size ${val.featureSize}, training ${train.featureSize}`);

  const model = buildHead({
    inputSize: train.featureSize,
    hidden: hp.hidden,
    classes: outputUnits(train.classes),
    dropout: hp.dropout,
    seed: hp.seed,
  });
  const dropout = model.layers.find((l) => l.getClassName() === 'Dropout') as { seed?: number } | undefined;
  const optimizer = new Adam(hp.learningRate);
  const weightOf = classWeights(train, hp.balanceClasses);
  const rng = mulberry32(hp.seed);
  const order = [...Array(train.y.length).keys()];
  const batches = Math.ceil(order.length / hp.batchSize);
  const history: EpochLog[] = [];
  let best = { loss: Infinity, epoch: 0, weights: [] as tf.Tensor[] };
  let stoppedBy: TrainResult['stoppedBy'] = 'max-epochs';
  let step = 0;

  epochs: for (let epoch = 1; epoch <= hp.maxEpochs; epoch++) {
    const t0 = performance.now();
    shuffle(rng, order);
    let lossSum = 0;
    let accSum = 0;
    for (let b = 0; b < batches; b++) {
      const idx = order.slice(b * hp.batchSize, (b + 1) * hp.batchSize);
      // tfjs reuses a dropout layer's seed for every call; a new seed per step gives new masks.
      if (dropout) dropout.seed = hp.seed * 7919 + step++;
      const [l, a] = tf.tidy(() => {
        const x = rows(train, idx);
        const y = targets(train, idx);
        const w = tf.tensor1d(idx.map((i) => weightOf[train.y[i]]));
        let acc = 0;
        const { value: batchLoss, grads } = tf.variableGrads(
          () => {
            const p = model.apply(x, { training: true }) as tf.Tensor2D;
            acc = correct(y, p).sum().dataSync()[0];
            return tf.div(tf.sum(tf.mul(perSampleLoss(hp.loss, y, p), w)), tf.sum(w)) as tf.Scalar;
          },
          model.trainableWeights.map((v) => v.read() as tf.Variable),
        );
        optimizer.update(grads);
        return [batchLoss.dataSync()[0] * idx.length, acc];
      });
      lossSum += l;
      accSum += a;
      cb.onBatch?.(b + 1, batches);
      // The batches run synchronously: yield to the event loop so a signal handler (Ctrl-C) can abort.
      if (cb.signal) await new Promise<void>((resolve) => setImmediate(resolve));
      if (cb.signal?.aborted) {
        stoppedBy = 'interrupted';
        break epochs;
      }
    }
    const log: EpochLog = { epoch, loss: lossSum / order.length, acc: accSum / order.length, seconds: 0 };
    if (val) {
      const v = evaluateSet(model, val, hp.loss);
      log.valLoss = v.loss;
      log.valAcc = v.acc;
    }
    log.seconds = (performance.now() - t0) / 1000;
    history.push(log);
    cb.onEpoch?.(log);
    cb.afterEpoch?.(model, log);
    const monitored = log.valLoss ?? log.loss;
    // Without early stopping (the article's set-up) the model is the last epoch's, as with fit().
    if (hp.patience === 0 || monitored < best.loss) {
      tf.dispose(best.weights);
      best = { loss: monitored, epoch, weights: model.getWeights().map((w) => w.clone()) };
    } else if (hp.patience > 0 && epoch - best.epoch >= hp.patience) {
      stoppedBy = 'early-stopping';
      break;
    }
  }
  if (best.weights.length > 0) {
    model.setWeights(best.weights);
    tf.dispose(best.weights);
  }
  return { model, history, bestEpoch: best.epoch, stoppedBy };
}
