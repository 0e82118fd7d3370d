// The notebook server readers open the chapters in: Debian's classic Jupyter Notebook (6.4), which
// runs the tslab kernel as it is (JupyterLab is not packaged by Debian, and the npm registry has no
// server). It listens on 127.0.0.1 only, behind a token, and serves plotly.js from node_modules at
// /nbextensions/plotly.min.js so that figures are interactive offline (src/report/notebook.ts).
// `kombat notebook` (make notebook) and the browser test both start it through here, with this checkout's
// kernel (kernel.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as path from 'node:path';
import { settings } from '../settings';
import { jupyterEnvironment, KERNEL_NAME, kernelMismatch } from './kernel';

export const NOTEBOOK_COMMAND = 'jupyter-notebook';
/** Jupyter's usual port, taken when free. */
const DEFAULT_PORT = 8888;
const SETUP_HINT = "`make setup` installs it (Debian's jupyter-notebook)";
const plotlyDir = path.dirname(require.resolve('plotly.js-dist-min/plotly.min.js'));

export interface NotebookServerOptions {
  /** The folder the server opens (the chapters: notebooks/). */
  dir: string;
  /**
   * Default: KOMBAT_NOTEBOOK_PORT, else 8888 when it is free, else any free port; 0: any free port (tests,
   * so that runs side by side do not meet).
   */
  port?: number;
  /** Default: JUPYTER_TOKEN, else a random one. */
  token?: string;
  /** Environment of the server and so of its kernels (e.g. KOMBAT_SMOKE=1 and scratch folders). */
  env?: NodeJS.ProcessEnv;
  /** Where Jupyter's log goes: this terminal, or collected for `log()` (tests). */
  output?: 'inherit' | 'collect';
  /** Seconds to wait for the server to answer (default 60). */
  timeout?: number;
}

export interface NotebookServer {
  /** http://127.0.0.1:<port>/ */
  baseUrl: string;
  token: string;
  /** The file browser of `dir`, with the token: what a reader opens. */
  url: string;
  process: ChildProcess;
  /** The server's log so far (output: 'collect'). */
  log(): string;
  /** Shuts down every kernel, then the server; safe to call twice. */
  stop(): Promise<void>;
  /** Resolves with the exit code when the server ends. */
  exited: Promise<number | null>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The command line: no browser, loopback only, one port (no silent retries), plotly.js served. */
export function notebookArgs(dir: string, port: number): string[] {
  return [
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--port-retries=0',
    `--notebook-dir=${path.resolve(dir)}`,
    `--NotebookApp.extra_nbextensions_path=${plotlyDir}`,
    // Jupyter refuses to run as root without it; CI and containers run as root.
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ];
}

export async function startNotebookServer(options: NotebookServerOptions): Promise<NotebookServer> {
  const { notebook } = settings();
  const token = options.token ?? notebook.token ?? randomBytes(24).toString('hex');
  let port = options.port ?? notebook.port;
  if (port === undefined) port = (await portFree(DEFAULT_PORT)) ? DEFAULT_PORT : await anyFreePort();
  else if (port === 0) port = await anyFreePort();
  else if (!(await portFree(port)))
    throw new Error(`port ${port} on 127.0.0.1 is in use: choose another with --port or KOMBAT_NOTEBOOK_PORT`);
  const baseUrl = `http://127.0.0.1:${port}/`;
  const collect = options.output === 'collect';
  const child = spawn(NOTEBOOK_COMMAND, notebookArgs(options.dir, port), {
    // This checkout's kernels (kernel.ts). The token goes by environment, not argv, so that other users cannot
    // read it in `ps`.
    env: { ...jupyterEnvironment(options.env), JUPYTER_TOKEN: token },
    // No stdin: Ctrl-C then stops the server (and its kernels) at once instead of asking to confirm.
    stdio: ['ignore', collect ? 'pipe' : 'inherit', collect ? 'pipe' : 'inherit'],
  });
  let log = '';
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  // Listened to first, so that a failed spawn is reported as such rather than as an exit.
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });

  const api = (route: string, init: RequestInit = {}) =>
    fetch(new URL(route, baseUrl), { ...init, headers: { Authorization: `token ${token}` } });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Kernels run in sessions of their own: shut them down through the server, not by signal.
      try {
        const kernels = (await (await api('api/kernels')).json()) as { id: string }[];
        await Promise.all(kernels.map((k) => api(`api/kernels/${k.id}`, { method: 'DELETE' })));
      } catch {
        // the server is not answering: the signals below are all that is left
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    })());
  const server: NotebookServer = {
    baseUrl,
    token,
    url: `${baseUrl}tree?token=${token}`,
    process: child,
    log: () => log,
    stop,
    exited,
  };

  const deadline = Date.now() + (options.timeout ?? 60) * 1000;
  const failure = (why: string) => {
    void stop();
    return new Error(`${NOTEBOOK_COMMAND} ${why}${collect && log ? `\n${log.trim()}` : ''}`);
  };
  for (;;) {
    const early = await Promise.race([
      spawnError.then((err) =>
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? `is not installed: ${SETUP_HINT}` : `failed: ${err.message}`,
      ),
      exited.then((code) => `exited with code ${code} before it answered`),
      new Promise<undefined>((resolve) => setTimeout(resolve, 300)),
    ]);
    if (early) throw failure(early);
    const status = await api('api/status').then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) throw failure(`did not answer on ${baseUrl} within ${options.timeout ?? 60} s`);
  }
  // What a reader needs beyond a running server: this checkout's TypeScript kernel, and plotly.js.
  const specs = (await (await api('api/kernelspecs')).json()) as {
    kernelspecs: Record<string, { spec: { argv: string[] } }>;
  };
  const tslab = specs.kernelspecs[KERNEL_NAME];
  const mismatch = kernelMismatch(tslab && { argv: tslab.spec.argv });
  const offered = Object.keys(specs.kernelspecs).join(', ');
  if (mismatch) throw failure(`does not offer this checkout's TypeScript kernel (it offers ${offered}): ${mismatch}`);
  const plotly = await fetch(new URL('nbextensions/plotly.min.js', baseUrl), { method: 'HEAD' });
  if (plotly.status !== 200) throw failure(`does not serve plotly.js from ${plotlyDir} (HTTP ${plotly.status})`);
  return server;
}
