// A worker thread of the pool (./workers.ts): loads the task module named in workerData, runs its
// setup once, then answers every { id, input } with progress messages and { type: 'done', output }
// or { type: 'error', message, stack }. Typed arrays in the output are moved, not copied.
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskModule } from './workers';

/** The buffers of the output's typed arrays (the output itself or its properties) that own them whole. */
function transferables(output: unknown): ArrayBuffer[] {
  const values = output && typeof output === 'object' ? [output, ...Object.values(output)] : [];
  const buffers = values
    .filter((v): v is ArrayBufferView => ArrayBuffer.isView(v))
    .filter((v) => v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength)
    .map((v) => v.buffer as ArrayBuffer);
  return [...new Set(buffers)];
}

if (parentPort) {
  const port = parentPort;
  const { module, setup } = workerData as { module: string; setup: unknown };
  const task = Promise.resolve().then(() => (require(module) as TaskModule<unknown, unknown, unknown>).setup(setup));
  task.catch(() => undefined); // reported with the first task
  port.on('message', ({ id, input }: { id: number; input: unknown }) => {
    task
      .then((run) => run(input, { progress: (message) => port.postMessage({ type: 'progress', id, message }) }))
      .then(
        (output) => port.postMessage({ type: 'done', id, output }, transferables(output)),
        (err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          port.postMessage({ type: 'error', id, message: e.message, stack: e.stack });
        },
      );
  });
}
