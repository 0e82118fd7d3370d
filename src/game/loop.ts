// The article's loop, made safe: one prediction per tick (100 ms), never two at once (a tick that
// finds the previous prediction still running is counted late and skipped), every tensor disposed.
// An action fires at once, as in the article, or with a hold the player asked for (decision.ts, Hold).
import { Hold } from '../decision';
import { type Detect, fire } from './controller';
import type { RgbFrame } from './frame';
import type { Verdict } from './model';

export const TICK_MS = 100;

/** Share of ticks whose prediction finished before the next tick; skipped ticks count as not in time. */
export function shareInTime(stats: Pick<LoopStats, 'ticks' | 'inTime' | 'late'>): number {
  const all = stats.ticks + stats.late;
  return all > 0 ? stats.inTime / all : 0;
}

export interface FrameClassifier {
  classify(frame: RgbFrame): Promise<Verdict>;
}

export interface LoopPrediction extends Verdict {
  /** The Detect method called, if any: the verdict's action, once it has held (`hold`). */
  fired?: keyof Detect;
  /** Milliseconds from the frame's capture to its verdict. */
  ms: number;
  /** performance.now() when the frame was captured. */
  at: number;
  frame: RgbFrame;
}

export interface LoopStats {
  /** Ticks that started a prediction (a frame and a model were there). */
  ticks: number;
  /** Of those, predictions finished before the next tick. */
  inTime: number;
  /** Ticks skipped because the previous prediction was still running (not in time either). */
  late: number;
  predictions: number;
  /** Predictions per second over the last few seconds. */
  rate: number;
}

export interface LoopOptions {
  /** The current frame, or undefined when there is no input. */
  grab: () => RgbFrame | undefined;
  model: () => FrameClassifier | undefined;
  controller: () => Detect | undefined;
  /** Predictions in a row an action needs before it fires (default 1: each prediction on its own). */
  hold?: () => number;
  onPrediction?: (p: LoopPrediction) => void;
  onError?: (err: Error) => void;
  intervalMs?: number;
  now?: () => number;
}

export class InferenceLoop {
  readonly stats: LoopStats = { ticks: 0, inTime: 0, late: 0, predictions: 0, rate: 0 };
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;
  private pending: Promise<unknown> = Promise.resolve();
  private readonly recent: number[] = [];
  private hold = new Hold(1);
  /** The model the hold's stream came from: another model starts a new stream. */
  private holding: FrameClassifier | undefined;
  private readonly interval: number;
  private readonly now: () => number;

  constructor(private readonly options: LoopOptions) {
    this.interval = options.intervalMs ?? TICK_MS;
    this.now = options.now ?? (() => performance.now());
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.interval);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves once no prediction is running (before disposing the model it uses). */
  async idle(): Promise<void> {
    await this.pending.catch(() => undefined);
  }

  /** One tick: grab, classify, fire. Public so that a test can step the loop by hand. */
  async tick(): Promise<LoopPrediction | undefined> {
    const model = this.options.model();
    if (!model) return undefined;
    if (this.busy) {
      this.stats.late++;
      return undefined;
    }
    const at = this.now();
    const frame = this.options.grab();
    if (!frame) return undefined;
    this.busy = true;
    this.stats.ticks++;
    try {
      const work = model.classify(frame);
      this.pending = work;
      const verdict = await work;
      const hold = this.options.hold?.() ?? 1;
      if (model !== this.holding || hold !== this.hold.predictions) this.hold = new Hold(hold);
      this.holding = model;
      const done = this.now();
      const ms = done - at;
      if (ms <= this.interval) this.stats.inTime++;
      this.stats.predictions++;
      this.recent.push(done);
      while (this.recent.length > 0 && this.recent[0] < done - 3000) this.recent.shift();
      const span = (done - this.recent[0]) / 1000;
      this.stats.rate = span > 0 ? (this.recent.length - 1) / span : 0;
      const prediction: LoopPrediction = {
        ...verdict,
        fired: fire(this.options.controller(), this.hold.next(verdict.action)),
        ms,
        at,
        frame,
      };
      this.options.onPrediction?.(prediction);
      return prediction;
    } catch (err) {
      this.options.onError?.(err as Error);
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}
