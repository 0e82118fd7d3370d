// Worker thread: renders the clip jobs it is sent, reporting each frame and each finished clip.
import { parentPort } from 'node:worker_threads';
import { type ClipJob, renderClip } from './render';

if (!parentPort) throw new Error('synth/worker must run in a worker thread');
const port = parentPort;
port.on('message', (job: ClipJob) => {
  renderClip(job, () => port.postMessage({ type: 'frame' })).then(
    (result) => port.postMessage({ type: 'done', result }),
    (err: Error) => port.postMessage({ type: 'error', message: err.stack ?? err.message }),
  );
});
