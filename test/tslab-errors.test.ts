// A failed cell must say what failed. tslab 1.0.22 answers a failed execution with a bare
// {status: "error"}; clients then have nothing to show (nbconvert, and so `make all`, printed
// "<Error>:" and no message). patches/tslab+1.0.22.patch puts the error's name, message and
// stack in the reply (ename, evalue, traceback), as the Jupyter protocol asks. Here tslab's own
// executor and handler run cells that throw, reject and fail to type-check.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';

interface Reply {
  status: string;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

// tslab ships CommonJS without types for its internals.
const { createExecutor } = require('tslab/dist/executor') as {
  createExecutor: (root: string, convs: unknown, console: unknown) => { close(): void };
};
const { createConverter } = require('tslab/dist/converter') as { createConverter: (o: object) => { close(): void } };
const { JupyterHandlerImpl } = require('tslab/dist/jupyter') as {
  JupyterHandlerImpl: new (
    executor: unknown,
    isJs: boolean,
  ) => {
    handleExecute(req: { code: string }, write: (name: string, text: string) => void, display: unknown): Promise<Reply>;
  };
};

test("a failed cell's reply names its error: thrown, rejected, and a type error", async (t) => {
  const quiet = { log: () => {}, error: () => {} };
  const node = createConverter({ isJS: false, isBrowser: false });
  // The converter watches files; closing the executor closes it (the test process can then exit).
  const executor = createExecutor(process.cwd(), { node, browser: node, close: () => node.close() }, quiet);
  t.after(() => executor.close());
  const handler = new JupyterHandlerImpl(executor, false);
  // The handler sends the process's stdout and stderr to the cell while it runs: give them back after each.
  const { write: out } = process.stdout;
  const { write: err } = process.stderr;
  const run = async (code: string): Promise<Reply> => {
    try {
      return await handler.handleExecute(
        { code },
        () => {},
        () => {},
      );
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
      // After an error tslab drops what was queued behind it for 200 ms.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  assert.equal((await run('const ok = 1 + 1;')).status, 'ok');

  const thrown = await run("throw new RangeError('the split is empty');");
  assert.equal(thrown.status, 'error');
  assert.equal(thrown.ename, 'RangeError');
  assert.equal(thrown.evalue, 'the split is empty');
  assert.match(thrown.traceback?.join('\n') ?? '', /RangeError: the split is empty/);

  const rejected = await run("await Promise.reject(new Error('no MoveNet in the cache'));");
  assert.deepEqual([rejected.status, rejected.ename, rejected.evalue], ['error', 'Error', 'no MoveNet in the cache']);

  const typed = await run("const n: number = 'five';");
  assert.equal(typed.status, 'error');
  assert.equal(typed.ename, 'TypeScriptError');
  assert.match(typed.evalue ?? '', /1:7 - Type 'string' is not assignable to type 'number'/);
});
