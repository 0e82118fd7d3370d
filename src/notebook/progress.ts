// Progress of a long notebook cell (feature extraction, training, sweeps) as one output that is
// replaced in place, a line per step, instead of a log line per batch or epoch. It plugs into the
// library's progress callbacks (onBatch/onFeatures/onEpoch/onProgress):
//   const run = await withProgress((p) => trainRun({ ...options, ...p.training('corrected', hp.maxEpochs) }));
// Outside a notebook kernel nothing is shown (the CLI draws its own bars on the terminal).
import type { EpochLog } from '../train';
import { LiveOutput } from './display';

/** At most this often on screen; each message to the browser costs, and a bar needs no more. */
const INTERVAL_MS = 250;
const BAR_WIDTH = 24;

/** '42 s', '3 min 05 s'. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A text bar of `width` cells, `done / total` of them filled. */
export function textBar(done: number, total: number, width = BAR_WIDTH): string {
  const filled = total > 0 ? Math.min(width, Math.max(0, Math.round((width * done) / total))) : 0;
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

interface Step {
  label: string;
  started: number;
  /** The step's text after its label, given the seconds since it started. */
  text: (elapsed: number) => string;
  finished?: number;
}

export class CellProgress {
  private readonly output = new LiveOutput();
  private readonly steps = new Map<string, Step>();
  private lastShown = Number.NEGATIVE_INFINITY;
  private timer?: NodeJS.Timeout;
  /** Where a new step's clock starts: when the last step finished, or when this progress began. */
  private mark: number;

  constructor(private readonly now: () => number = Date.now) {
    this.mark = now();
  }

  /** A counted step: `done` of `total` images through MobileNet, variants written, trials. */
  count(label: string, unit: string, done: number, total: number): void {
    const eta = (elapsed: number) =>
      done > 0 && done < total && elapsed >= 1 ? `, ~${formatSeconds((elapsed / done) * (total - done))} left` : '';
    const text = (elapsed: number) =>
      `${textBar(done, total)} ${done}/${total} ${unit}  ${formatSeconds(elapsed)}${eta(elapsed)}`;
    this.set(label, text, done >= total);
  }

  /** count() as an onBatch/onProgress callback. */
  counter(label: string, unit: string): (done: number, total: number) => void {
    return (done, total) => this.count(label, unit, done, total);
  }

  /** A training epoch: n of at most `maxEpochs` (early stopping may end sooner), with the latest losses. */
  epoch(label: string, maxEpochs: number, log: EpochLog): void {
    const val = log.valLoss !== undefined ? ` | val loss ${log.valLoss.toFixed(4)} acc ${log.valAcc?.toFixed(3)}` : '';
    const metrics = `loss ${log.loss.toFixed(4)} acc ${log.acc.toFixed(3)}${val}`;
    const text = (elapsed: number) =>
      `${textBar(log.epoch, maxEpochs)} epoch ${log.epoch}/${maxEpochs}  ${metrics}  ${formatSeconds(elapsed)}`;
    // Epoch 1 starts a training run (again, for a label reused by the next sweep trial): its clock
    // starts when that epoch did.
    this.set(label, text, false, log.epoch === 1 ? this.now() - 1000 * log.seconds : undefined);
  }

  /** epoch() as an onEpoch callback. */
  epochs(label: string, maxEpochs: number): (log: EpochLog) => void {
    return (log) => this.epoch(label, maxEpochs, log);
  }

  /** trainRun's callbacks: MobileNet features (when not cached yet), then epochs. */
  training(
    label: string,
    maxEpochs: number,
  ): { onFeatures: (done: number, total: number) => void; onEpoch: (log: EpochLog) => void } {
    return { onFeatures: this.counter(`${label}: features`, 'images'), onEpoch: this.epochs(label, maxEpochs) };
  }

  /** Free text for a step (the current trial, a phase). */
  note(label: string, text: string): void {
    this.set(label, () => text);
  }

  /** Shows the final state now: every step with its time. */
  done(): void {
    const t = this.now();
    for (const step of this.steps.values()) step.finished ??= t;
    this.show();
  }

  /** The text shown: one line per step, labels aligned. */
  render(): string {
    const t = this.now();
    const width = Math.max(0, ...[...this.steps.keys()].map((k) => k.length));
    return [...this.steps.values()]
      .map((s) => `${s.label.padEnd(width)}  ${s.text(((s.finished ?? t) - s.started) / 1000)}`)
      .join('\n');
  }

  private set(label: string, text: (elapsed: number) => string, finished = false, started?: number): void {
    const t = this.now();
    const step = this.steps.get(label);
    if (step) {
      step.text = text;
      step.finished = finished ? t : undefined;
      if (started !== undefined) step.started = started;
    } else {
      this.steps.set(label, { label, started: started ?? this.mark, text, finished: finished ? t : undefined });
    }
    if (finished) this.mark = t;
    if (finished || t - this.lastShown >= INTERVAL_MS) this.show();
    else this.timer ??= setTimeout(() => this.show(), INTERVAL_MS - (t - this.lastShown)).unref();
  }

  private show(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.steps.size === 0) return;
    this.lastShown = this.now();
    this.output.show({ 'text/plain': this.render() });
  }
}

/** Runs `fn` with a fresh progress output and shows its final state however `fn` ends. */
export async function withProgress<T>(fn: (progress: CellProgress) => Promise<T>): Promise<T> {
  const progress = new CellProgress();
  try {
    return await fn(progress);
  } finally {
    progress.done();
  }
}
