// The benchmark's peer: the same network (MobileNet v1 to global average pooling, batch 16,
// 224x224) in PyTorch, run by bench/torch_mobilenet.py in a Python that has it (Debian's
// python3-torch: `make bench-torch`). The script stays up for the whole benchmark and times one run
// each time it is asked, so its runs interleave with kombat's in the same minutes of a shared machine.
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';

/** Pythons tried in order: the one on PATH, then Debian's (where python3-torch installs). */
const PYTHONS = ['python3', '/usr/bin/python3'];
const SCRIPT = path.join(__dirname, '..', '..', 'bench', 'torch_mobilenet.py');

export interface TorchOptions {
  alpha: number;
  batchSize: number;
  images: number;
  threads: number;
}

export interface TorchPeer {
  python: string;
  version: string;
  threads: number;
  /** One timed run: ms per image. */
  run(): Promise<number>;
  close(): void;
}

type Line = { torch: string; threads: number } | { skipped: string } | { msPerImage: number };

/** Starts the script in one Python; its first line says whether PyTorch is there. */
function start(python: string, options: TorchOptions): Promise<TorchPeer | { skipped: string }> {
  const args = [SCRIPT, '--alpha', `${options.alpha}`, '--batch-size', `${options.batchSize}`];
  args.push('--images', `${options.images}`, '--threads', `${options.threads}`);
  const child: ChildProcess = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-2000);
  });
  const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const next = async (): Promise<Line> => {
    const line = await lines.next();
    if (line.done) throw new Error(`${python} ${SCRIPT} ended: ${stderr.trim() || `exit code ${child.exitCode}`}`);
    return JSON.parse(line.value) as Line;
  };
  return new Promise((resolve) => {
    child.once('error', (err) => resolve({ skipped: `${python}: ${err.message}` }));
    next().then(
      (first) => {
        if ('skipped' in first) {
          child.kill();
          resolve(first);
        } else if ('torch' in first) {
          resolve({
            python,
            version: first.torch,
            threads: first.threads,
            run: async () => {
              child.stdin?.write('\n');
              const reply = await next();
              if (!('msPerImage' in reply))
                throw new Error(`unexpected reply from ${SCRIPT}: ${JSON.stringify(reply)}`);
              return reply.msPerImage;
            },
            close: () => {
              child.stdin?.end();
              child.kill();
            },
          });
        } else {
          child.kill();
          resolve({ skipped: `unexpected first line from ${SCRIPT}: ${JSON.stringify(first)}` });
        }
      },
      (err: Error) => resolve({ skipped: err.message }),
    );
  });
}

/** The peer in the first Python that has PyTorch, or why there is none. */
export async function startTorch(options: TorchOptions): Promise<TorchPeer | { skipped: string }> {
  const reasons: string[] = [];
  for (const python of PYTHONS) {
    const peer = await start(python, options);
    if (!('skipped' in peer)) return peer;
    reasons.push(peer.skipped);
  }
  return { skipped: reasons.join('; ') };
}
