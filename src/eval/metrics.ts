// Classification metrics from (true, predicted) class indices. Rows of the confusion matrix are
// true classes, columns predicted ones.

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  classes: string[];
  accuracy: number;
  /** Mean recall over classes that occur: robust to class imbalance. */
  balancedAccuracy: number;
  confusionMatrix: number[][];
  perClass: Record<string, ClassMetrics>;
}

export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, nClasses: number): number[][] {
  if (truth.length !== predicted.length) {
    throw new Error(`${truth.length} true labels but ${predicted.length} predictions`);
  }
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const [t, p] = [truth[i], predicted[i]];
    if (!(t >= 0 && t < nClasses && p >= 0 && p < nClasses))
      throw new Error(`label index out of range at ${i}: ${t} -> ${p}`);
    m[t][p]++;
  }
  return m;
}

/** 0 where the denominator is 0 (no predictions / no support), as scikit-learn's zero_division=0. */
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function metricsFromConfusion(matrix: number[][], classes: string[]): Metrics {
  const n = classes.length;
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const perClass: Record<string, ClassMetrics> = {};
  let correct = 0;
  const recalls: number[] = [];
  for (let c = 0; c < n; c++) {
    const tp = matrix[c][c];
    const support = matrix[c].reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((sum, row) => sum + row[c], 0);
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    perClass[classes[c]] = { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
    correct += tp;
    if (support > 0) recalls.push(recall);
  }
  return {
    classes,
    accuracy: ratio(correct, total),
    balancedAccuracy: ratio(
      recalls.reduce((a, b) => a + b, 0),
      recalls.length,
    ),
    confusionMatrix: matrix,
    perClass,
  };
}

export function computeMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: string[]): Metrics {
  return metricsFromConfusion(confusionMatrix(truth, predicted, classes.length), classes);
}

/** Rows divided by their sums (recall per true class); empty rows stay 0. */
export function normaliseRows(matrix: number[][]): number[][] {
  return matrix.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => ratio(v, sum));
  });
}

/** What metadata.json keeps of a split's metrics: no confusion matrix. */
export interface MetricsSummary {
  accuracy: number;
  balancedAccuracy: number;
  perClass: Metrics['perClass'];
}

export function summariseMetrics(m: Metrics): MetricsSummary {
  return { accuracy: m.accuracy, balancedAccuracy: m.balancedAccuracy, perClass: m.perClass };
}

/** What a results file keeps of a split's metrics: the summary and the confusion matrix. */
export interface SplitScores extends MetricsSummary {
  confusionMatrix: number[][];
}

export function splitScores(m: Metrics): SplitScores {
  return { ...summariseMetrics(m), confusionMatrix: m.confusionMatrix };
}
