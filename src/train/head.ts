// The small classifier trained on MobileNet features: input -> dense relu -> dense output.
import * as tf from '@tensorflow/tfjs';

export interface HeadConfig {
  inputSize: number;
  hidden: number;
  /** 1 = a sigmoid unit (binary), more = softmax over classes. */
  classes: number;
  dropout?: number;
  seed?: number;
}

export function buildHead({ inputSize, hidden, classes, dropout = 0, seed }: HeadConfig): tf.Sequential {
  const init = (offset: number) =>
    tf.initializers.glorotUniform({ seed: seed === undefined ? undefined : seed + offset });
  const model = tf.sequential();
  model.add(
    tf.layers.dense({ inputShape: [inputSize], units: hidden, activation: 'relu', kernelInitializer: init(0) }),
  );
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout, seed }));
  model.add(
    tf.layers.dense({ units: classes, activation: classes === 1 ? 'sigmoid' : 'softmax', kernelInitializer: init(1) }),
  );
  return model;
}
