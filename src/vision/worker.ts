// Worker-thread entry of the vision pool (./pool.ts): loads the models once, then answers each
// { id, job } with { id, result } (arrays transferred) or { id, error }.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend';
import { runVisionJob, type VisionJob } from './job';
import { loadFrameModels } from './models';
import type { VisionWorkerData } from './pool';

async function load(data: VisionWorkerData) {
  // This thread's process.env is its own copy: the parent's backend, not a fresh choice, and no
  // second "backend" line on the console.
  if (data.backend) process.env.KOMBAT_BACKEND = data.backend;
  const log = console.error;
  console.error = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith('kombat: backend '))) log(...args);
  };
  try {
    await initBackend();
  } finally {
    console.error = log;
  }
  return loadFrameModels(data.spec, data.locations);
}

if (parentPort) {
  const port = parentPort;
  const ready = load(workerData as VisionWorkerData);
  ready.catch(() => undefined); // reported with the first job
  let tail: Promise<unknown> = Promise.resolve();
  port.on('message', (msg: { id: number; job: VisionJob }) => {
    tail = tail
      .then(async () => {
        const result = await runVisionJob(msg.job, await ready);
        port.postMessage({ id: msg.id, result }, [result.keypoints.buffer, ...result.crops.map((c) => c.buffer)]);
      })
      .catch((err: unknown) => port.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) }));
  });
}
