// A small pool of worker threads running augmentation jobs; concurrency 1 runs them in-process.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type AugmentJob, type AugmentJobResult, runJob } from './job';

export interface JobRunner {
  run(job: AugmentJob): Promise<AugmentJobResult>;
  close(): Promise<void>;
}

function startWorker(): Worker {
  if (__filename.endsWith('.ts')) {
    // Running from source (tests, tsx): the worker needs tsx's require hook too.
    const file = path.join(__dirname, 'worker.ts');
    const tsx = require.resolve('tsx/cjs');
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, { eval: true });
  }
  return new Worker(path.join(__dirname, 'worker.js'));
}

export function createRunner(concurrency: number): JobRunner {
  if (concurrency <= 1) {
    // one job at a time, in order
    let tail: Promise<unknown> = Promise.resolve();
    return {
      run(job) {
        const result = tail.then(() => runJob(job));
        tail = result.catch(() => undefined);
        return result;
      },
      close: async () => {},
    };
  }
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const queue: { job: AugmentJob; resolve: (r: AugmentJobResult) => void; reject: (e: Error) => void }[] = [];
  const pending = new Map<
    number,
    { worker: Worker; resolve: (r: AugmentJobResult) => void; reject: (e: Error) => void }
  >();
  let nextId = 0;
  let failure: Error | undefined;

  const pump = () => {
    while (idle.length && queue.length) {
      const worker = idle.pop()!;
      const item = queue.shift()!;
      const id = nextId++;
      pending.set(id, { worker, resolve: item.resolve, reject: item.reject });
      // Copy, don't transfer: the caller may still hold the bytes.
      worker.postMessage({ id, job: item.job });
    }
  };

  for (let i = 0; i < concurrency; i++) {
    const worker = startWorker();
    worker.on('message', (msg: { id: number; result?: AugmentJobResult; error?: string }) => {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      idle.push(worker);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.result!);
      pump();
    });
    worker.on('error', (err) => {
      failure = err;
      for (const [id, p] of pending) {
        if (p.worker === worker) {
          pending.delete(id);
          p.reject(err);
        }
      }
      for (const item of queue.splice(0)) item.reject(err);
    });
    workers.push(worker);
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
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
