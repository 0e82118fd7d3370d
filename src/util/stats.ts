// Small statistics the chapters and the benchmark report: middles and spreads, the standard error
// of an accuracy, a correlation, a share of selected rows.

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation (n - 1); 0 for fewer than two values. */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** Min, median and max of repeated measurements. */
export function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** "min 1.0  median 2.0  max 3.0", for the benchmark's and the play's lines. */
export function formatSpread(s: Spread, digits: number): string {
  return `min ${s.min.toFixed(digits)}  median ${s.median.toFixed(digits)}  max ${s.max.toFixed(digits)}`;
}

/** Standard error of an accuracy p measured on n independent frames: sqrt(p (1 - p) / n). */
export function standardError(p: number, n: number): number {
  if (!(n > 0)) throw new Error(`standardError: n must be > 0, got ${n}`);
  return Math.sqrt((p * (1 - p)) / n);
}

/** Among the rows 0..n-1 that `select` keeps, the share for which `hit` holds (0 where it keeps none). */
export function shareWhere(n: number, select: (i: number) => boolean, hit: (i: number) => boolean): number {
  let kept = 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    if (!select(i)) continue;
    kept++;
    if (hit(i)) hits++;
  }
  return kept > 0 ? hits / kept : 0;
}

/** Pearson correlation of two equally long series. */
export function correlation(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new Error(`correlation: ${xs.length} x values for ${ys.length} y values`);
  const [mx, my] = [mean(xs), mean(ys)];
  const cov = mean(xs.map((x, i) => (x - mx) * (ys[i] - my)));
  const sd = (v: readonly number[], m: number) => Math.sqrt(mean(v.map((x) => (x - m) ** 2)));
  return cov / (sd(xs, mx) * sd(ys, my));
}
