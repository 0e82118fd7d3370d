// The one pool of worker threads, used by every map over files: synthesis (one clip per task),
// augmentation (one frame's variants) and feature extraction (one batch of images). A shared queue
// feeds the workers, results come back in input order, a failure names the item it failed on, and
// every worker is terminated when the map ends, fails or is aborted (a WorkerPool kept across maps:
// when it is closed, or when one of its maps fails). With one worker the same task runs in this
// thread instead, with the same results: the tasks are deterministic functions of their input,
// whichever thread runs them.
//
// A task module (e.g. features/task.ts) exports `setup(data)`, run once per worker, which returns
// the task function; module-level state (a loaded MobileNet) lives as long as the worker.
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Worker } from 'node:worker_threads';
import { settings } from '../settings';
import { beforeSignalExit } from '../util/fs';

export interface TaskContext {
  /** Reports progress within a task (e.g. one frame rendered); the map's onProgress receives it. */
  progress(message: unknown): void;
}

export type TaskFunction<I, O> = (input: I, context: TaskContext) => Promise<O>;

/** What a task module exports. */
export interface TaskModule<S, I, O> {
  setup(data: S): TaskFunction<I, O> | Promise<TaskFunction<I, O>>;
}

export interface MapOptions<S, I, O> {
  /** The task module: an absolute path without extension (`path.join(__dirname, 'task')`). */
  module: string;
  /** What each worker's setup receives (structured-cloned). */
  setup: S;
  /** Worker threads; 1 (or less) runs the tasks in this thread. See poolSize. */
  workers: number;
  /** Tasks in flight per worker (default 1); 2 lets a worker read the next input while it computes. */
  inFlight?: number;
  /** The item as a reader knows it (a file, a clip), for error messages. */
  label: (item: I, index: number) => string;
  /** In this thread: the task to run (e.g. on a model already loaded); default the module's own setup. */
  local?: TaskFunction<I, O>;
  onProgress?: (message: unknown, index: number) => void;
  /** Each result as it arrives (completion order). */
  onResult?: (output: O, index: number) => void;
  /** Stops the map: workers terminated, the map rejects. */
  signal?: AbortSignal;
  /** Threads kept between maps (its size replaces `workers`); without one, the map starts and ends its own. */
  pool?: WorkerPool<S>;
}

/** Above this many threads a map over files does not pay on the machines measured (issue 14 revisits). */
export const DEFAULT_MAX_WORKERS = 2;

/**
 * Threads for a map over `units` work items: `requested` (an option), else KOMBAT_WORKERS, else
 * min(DEFAULT_MAX_WORKERS, cores) when parallel work pays (`pays`, and at least `minUnits` of work:
 * a worker takes about a second to start). Never more than `cap` (default `units`), never below 1.
 */
export function poolSize(
  units: number,
  {
    requested,
    minUnits = 2,
    cap = units,
    pays = true,
  }: { requested?: number; minUnits?: number; cap?: number; pays?: boolean } = {},
): number {
  let n = requested ?? settings().workers;
  if (n === undefined) {
    const cores = os.availableParallelism();
    n = pays && units >= minUnits && cores > 1 ? Math.min(DEFAULT_MAX_WORKERS, cores) : 1;
  }
  if (!Number.isInteger(n) || n < 0) throw new Error(`workers must be a whole number >= 0, got ${n}`);
  return Math.max(1, Math.min(n, cap));
}

/** Worker threads of this module's maps that have not exited yet. */
const running = new Set<Worker>();

/** How many (tests check it is 0 after a map). */
export function liveWorkers(): number {
  return running.size;
}

// Stopped before a signal's clean-up removes this process's temporaries: a worker still writing one
// would otherwise create it after the clean-up.
beforeSignalExit(async () => {
  await Promise.all([...running].map((w) => w.terminate()));
});

type Reply =
  | { type: 'progress'; id: number; message: unknown }
  | { type: 'done'; id: number; output: unknown }
  | { type: 'error'; id: number; message: string; stack?: string };

function startWorker(module: string, setup: unknown): Worker {
  const workerData = { module, setup };
  if (__filename.endsWith('.ts')) {
    // Running from source (tests, tsx): the worker needs tsx's require hook too.
    const entry = path.join(__dirname, 'worker.ts');
    const tsx = require.resolve('tsx/cjs');
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, {
      eval: true,
      workerData,
    });
  }
  return new Worker(path.join(__dirname, 'worker.js'), { workerData });
}

function failure(label: string, message: string, stack?: string): Error {
  const err = new Error(`${label}: ${message}`);
  if (stack) err.stack = `${err.message}\n--- in the worker:\n${stack}`;
  return err;
}

function aborted(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('interrupted');
}

/**
 * Worker threads kept from one map to the next over the same task module and setup (e.g. the
 * repeated runs of a benchmark, which would otherwise pay each worker's start and model load every
 * time). Started on first use; between maps they do not keep the process alive (unref), and a map
 * that fails or is aborted ends them all. close() ends them; call it in a finally.
 */
export class WorkerPool<S> {
  private readonly threads: Worker[] = [];
  constructor(
    readonly module: string,
    readonly setup: S,
    /** Threads, 1 or more. */
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a worker pool needs 1 or more threads, got ${size}`);
  }

  /** `count` running threads (started where missing), held by the caller's map. */
  acquire(count: number): Worker[] {
    while (this.threads.length < Math.min(count, this.size)) {
      const worker = startWorker(this.module, this.setup);
      running.add(worker);
      worker.on('error', () => undefined); // a map reports it; between maps the exit below is enough
      worker.once('exit', () => {
        running.delete(worker);
        const k = this.threads.indexOf(worker);
        if (k >= 0) this.threads.splice(k, 1);
      });
      this.threads.push(worker);
    }
    const held = this.threads.slice(0, count);
    for (const w of held) w.ref();
    return held;
  }

  /** The map is over: idle threads no longer keep the process alive. */
  release(): void {
    for (const w of this.threads) w.unref();
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((w) => w.terminate()));
    this.threads.length = 0;
  }
}

/** `items` through the task, in input order; see the file comment. */
export async function mapInWorkers<S, I, O>(items: readonly I[], options: MapOptions<S, I, O>): Promise<O[]> {
  const inFlight = options.inFlight ?? 1;
  if (!Number.isInteger(inFlight) || inFlight < 1)
    throw new Error(`inFlight must be a whole number >= 1, got ${inFlight}`);
  const { pool } = options;
  if (pool && (pool.module !== options.module || !isDeepStrictEqual(pool.setup, options.setup)))
    throw new Error(`the worker pool runs ${pool.module} with another setup than this map's`);
  options.signal?.throwIfAborted();
  if (items.length === 0) return [];
  const workers = pool ? pool.size : options.workers;
  return workers <= 1 || items.length === 1
    ? mapHere(items, options, inFlight)
    : mapThreads(items, options, Math.min(workers, Math.ceil(items.length / inFlight)), inFlight);
}

async function mapHere<S, I, O>(items: readonly I[], options: MapOptions<S, I, O>, inFlight: number): Promise<O[]> {
  const task =
    options.local ?? (await (require(options.module) as TaskModule<S, I, O>).setup(structuredClone(options.setup)));
  const results = new Array<O>(items.length);
  let next = 0;
  let stop = false;
  const lane = async () => {
    while (next < items.length && !stop) {
      options.signal?.throwIfAborted();
      const i = next++;
      try {
        results[i] = await task(items[i], { progress: (m) => options.onProgress?.(m, i) });
      } catch (err) {
        throw failure(options.label(items[i], i), (err as Error).message ?? String(err), (err as Error).stack);
      }
      options.onResult?.(results[i], i);
    }
  };
  // On a failure or an abort the other lanes finish their task first: nothing is left running.
  const lanes = Array.from({ length: Math.min(inFlight, items.length) }, () =>
    lane().catch((err: unknown) => {
      stop = true;
      throw err;
    }),
  );
  for (const r of await Promise.allSettled(lanes)) if (r.status === 'rejected') throw r.reason;
  return results;
}

async function mapThreads<S, I, O>(
  items: readonly I[],
  options: MapOptions<S, I, O>,
  count: number,
  inFlight: number,
): Promise<O[]> {
  const pool = options.pool ?? new WorkerPool(options.module, options.setup, count);
  const workers = pool.acquire(count);
  const detach: (() => void)[] = [];
  let completed = false;
  try {
    const results = await runOn(workers, items, options, inFlight, detach);
    completed = true;
    return results;
  } finally {
    for (const off of detach) off();
    // A failed or aborted map may leave tasks running: its threads end with it.
    if (completed && options.pool) pool.release();
    else await pool.close();
  }
}

/** Feeds `items` to `workers` from one queue; `detach` receives what removes this map's listeners. */
function runOn<S, I, O>(
  workers: Worker[],
  items: readonly I[],
  options: MapOptions<S, I, O>,
  inFlight: number,
  detach: (() => void)[],
): Promise<O[]> {
  const results = new Array<O>(items.length);
  return new Promise<O[]>((resolve, reject) => {
    let next = 0;
    let finished = 0;
    let failed = false;
    const fail = (err: Error) => {
      failed = true;
      reject(err);
    };
    const { signal } = options;
    const onAbort = () => fail(signal ? aborted(signal) : new Error('interrupted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    detach.push(() => signal?.removeEventListener('abort', onAbort));
    const feed = (worker: Worker, running: Set<number>) => {
      while (!failed && next < items.length && running.size < inFlight) {
        const id = next++;
        running.add(id);
        worker.postMessage({ id, input: items[id] });
      }
    };
    for (const worker of workers) {
      const running = new Set<number>();
      const onMessage = (reply: Reply) => {
        if (failed) return;
        const label = options.label(items[reply.id], reply.id);
        if (reply.type === 'progress') options.onProgress?.(reply.message, reply.id);
        else if (reply.type === 'error') fail(failure(label, reply.message, reply.stack));
        else {
          running.delete(reply.id);
          results[reply.id] = reply.output as O;
          try {
            options.onResult?.(results[reply.id], reply.id);
          } catch (err) {
            fail(err as Error);
            return;
          }
          if (++finished === items.length) resolve(results);
          else feed(worker, running);
        }
      };
      const stopped = (why: string) => {
        const [id] = running;
        fail(new Error(`a worker ${why}${id === undefined ? '' : ` while on ${options.label(items[id], id)}`}`));
      };
      const onError = (err: Error) => stopped(`failed (${err.message})`);
      const onMessageError = (err: Error) => stopped(`could not read a message (${err.message})`);
      const onExit = (code: number) => {
        if (finished < items.length) stopped(`stopped (exit code ${code}) before the work was done`);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('messageerror', onMessageError);
      worker.on('exit', onExit);
      detach.push(() => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('messageerror', onMessageError);
        worker.off('exit', onExit);
      });
      feed(worker, running);
    }
  });
}
