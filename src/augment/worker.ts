// Worker-thread entry of the augmentation pool: receives { id, job }, answers { id, result } or
// { id, error }.
import { parentPort } from 'node:worker_threads';
import { type AugmentJob, runJob } from './job';

if (parentPort) {
  const port = parentPort;
  port.on('message', (msg: { id: number; job: AugmentJob }) => {
    runJob(msg.job).then(
      (result) => port.postMessage({ id: msg.id, result }),
      (err: unknown) => port.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) }),
    );
  });
}
