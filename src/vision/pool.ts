// Worker threads for the pose-based features: each gets its own backend and its own MoveNet and
// MobileNet (the wasm backend runs on one thread), built from the locations the parent resolved.
// Jobs go to whichever worker is idle; each job's result depends only on its files, so the
// features are the same with any number of workers. One worker or fewer runs in this thread.
// (The augmentation and MobileNet feature pools follow the same pattern; the architecture branch
// merges them into one.)

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../backend';
import { runVisionJob, type VisionJob, type VisionJobResult } from './job';
import { loadFrameModels, type ModelLocations } from './models';
import type { FrameFeatures } from './spec';

export interface VisionRunner {
  run(job: VisionJob): Promise<VisionJobResult>;
  close(): Promise<void>;
}

export interface VisionWorkerData {
  spec: FrameFeatures;
  locations: ModelLocations;
  backend?: BackendName;
}

function startWorker(workerData: VisionWorkerData): Worker {
  if (__filename.endsWith('.ts')) {
    // Running from source (tests, tsx): the worker needs tsx's require hook too.
    const file = path.join(__dirname, 'worker.ts');
    const tsx = require.resolve('tsx/cjs');
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, { eval: true, workerData });
  }
  return new Worker(path.join(__dirname, 'worker.js'), { workerData });
}

export async function startVisionRunner(
  spec: FrameFeatures,
  locations: ModelLocations,
  workers: number,
): Promise<VisionRunner> {
  if (workers <= 1) {
    const models = await loadFrameModels(spec, locations);
    let tail: Promise<unknown> = Promise.resolve();
    return {
      run(job) {
        const result = tail.then(() => runVisionJob(job, models));
        tail = result.catch(() => undefined);
        return result;
      },
      async close() {
        models.dispose?.();
      },
    };
  }
  const data: VisionWorkerData = {
    spec,
    locations,
    backend: (tf.getBackend() || undefined) as BackendName | undefined,
  };
  const pool: Worker[] = [];
  const idle: Worker[] = [];
  const queue: { job: VisionJob; resolve: (r: VisionJobResult) => void; reject: (e: Error) => void }[] = [];
  const pending = new Map<
    number,
    { worker: Worker; resolve: (r: VisionJobResult) => void; reject: (e: Error) => void }
  >();
  let nextId = 0;
  let failure: Error | undefined;
  const fail = (err: Error) => {
    failure ??= err;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(err);
    }
    for (const item of queue.splice(0)) item.reject(err);
  };
  const pump = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!;
      const item = queue.shift()!;
      const id = nextId++;
      pending.set(id, { worker, resolve: item.resolve, reject: item.reject });
      worker.postMessage({ id, job: item.job });
    }
  };
  for (let i = 0; i < workers; i++) {
    const worker = startWorker(data);
    worker.on('message', (msg: { id: number; result?: VisionJobResult; error?: string }) => {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      idle.push(worker);
      if (msg.error !== undefined) p.reject(new Error(`vision worker: ${msg.error}`));
      else p.resolve(msg.result!);
      pump();
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (pending.size > 0 || queue.length > 0)
        fail(new Error(`vision worker stopped (exit code ${code}) before the work was done`));
    });
    pool.push(worker);
    idle.push(worker);
  }
  return {
    run(job) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      });
    },
    async close() {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}
