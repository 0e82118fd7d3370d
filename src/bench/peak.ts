// The machine's measured limit on the benchmark's backend: GFLOP/s of a plain 1024x1024x1024
// matmul (the one product XNNPACK runs at full speed), on as many threads as the feature runs use,
// all at the same time: each thread is a worker of the one pool with its own backend, and a shared
// barrier starts their products together, so the sum is what the threads reach side by side.
// This module is also the pool's task module for it.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type BackendName, initWorkerBackend } from '../backend';
import { mapInWorkers, type TaskFunction, WorkerPool } from '../pool/workers';

const N = 1024;
const REPS = 4;

export interface PeakInput {
  /** Int32Array on a SharedArrayBuffer: [threads arrived]. */
  barrier: Int32Array;
  parties: number;
}

/** Blocks until `parties` threads have arrived (each once per run). */
function rendezvous({ barrier, parties }: PeakInput): void {
  Atomics.add(barrier, 0, 1);
  const deadline = Date.now() + 120_000;
  for (let seen = Atomics.load(barrier, 0); seen < parties; seen = Atomics.load(barrier, 0)) {
    if (Date.now() > deadline) throw new Error(`only ${seen} of ${parties} threads reached the matmul barrier`);
    Atomics.wait(barrier, 0, seen, 1000);
  }
}

/** The pool's task: GFLOP/s of REPS plain products after the barrier (operands made and warmed before). */
export async function setup(backend: BackendName | undefined): Promise<TaskFunction<PeakInput, number>> {
  await initWorkerBackend(backend);
  const a = tf.randomUniform([N, N], -1, 1, 'float32', 1);
  const b = tf.randomUniform([N, N], -1, 1, 'float32', 2);
  await tf.matMul(a, b).data();
  return async (input) => {
    rendezvous(input);
    const t0 = performance.now();
    for (let r = 0; r < REPS; r++) {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    }
    return (REPS * 2 * N ** 3) / ((performance.now() - t0) / 1000) / 1e9;
  };
}

/** Total GFLOP/s of `threads` threads, once per run. */
export async function matmulPeak(threads: number, runs: number): Promise<number[]> {
  const module = path.join(__dirname, 'peak');
  const backend = tf.getBackend() as BackendName;
  const pool = threads > 1 ? new WorkerPool(module, backend, threads) : undefined;
  const local = threads > 1 ? undefined : await setup(backend);
  try {
    const totals: number[] = [];
    for (let r = 0; r < runs; r++) {
      const barrier = new Int32Array(new SharedArrayBuffer(4));
      const items = Array.from({ length: threads }, () => ({ barrier, parties: threads }));
      const each = await mapInWorkers(items, {
        module,
        setup: backend,
        workers: threads,
        pool,
        local,
        label: (_, i) => `matmul thread ${i + 1} of ${threads}`,
      });
      totals.push(each.reduce((s, g) => s + g, 0));
    }
    return totals;
  } finally {
    await pool?.close();
  }
}
