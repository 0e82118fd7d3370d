// tslab's kernel sends its Jupyter messages without waiting for the previous send on the same
// socket, and zeromq 6 refuses a send while another is in flight (EBUSY). Under load this killed
// a chapter's kernel in `make all` ("Socket is busy writing" when the "busy" status of a cell went out
// behind a slow output). patches/tslab+1.0.22.patch (applied by `npm ci` through patch-package)
// queues each socket's sends. Here a socket that behaves as zeromq's does when a send is slow: the
// kernel must answer a request with every message, in order, and never send twice at once.
import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';

interface TslabServer {
  connInfo: { key: string };
  iopub: SlowSocket;
  handleShellMessage(sock: SlowSocket, ...raw: Buffer[]): Promise<void>;
}

// tslab ships CommonJS without types for its internals.
const { ZmqServer } = require('tslab/dist/jupyter') as {
  ZmqServer: new (handler: unknown, configPath: string) => TslabServer;
};

/** A socket whose every send takes a few ms and which throws EBUSY if asked to send meanwhile, as zeromq 6 does. */
class SlowSocket {
  readonly sent: { msgType: string; state?: string }[] = [];
  private busy = false;

  send(frames: Buffer[] | string[]): Promise<void> {
    if (this.busy)
      throw Object.assign(new Error('Socket is busy writing; only one send operation may be in progress'), {
        code: 'EBUSY',
      });
    this.busy = true;
    const at = frames.findIndex((f) => f.toString() === '<IDS|MSG>');
    const header = JSON.parse(frames[at + 2].toString()) as { msg_type: string };
    const content = JSON.parse(frames[at + 5].toString()) as { execution_state?: string };
    this.sent.push({ msgType: header.msg_type, state: content.execution_state });
    return new Promise((resolve) =>
      setTimeout(() => {
        this.busy = false;
        resolve();
      }, 5),
    );
  }
}

/** A signed request as Jupyter's wire protocol frames it. */
function request(key: string, msgType: string): Buffer[] {
  const parts = [
    { msg_id: '1', session: 's', username: 'u', msg_type: msgType, version: '5.3', date: new Date().toISOString() },
    {},
    {},
    {},
  ].map((p) => JSON.stringify(p));
  const hmac = createHmac('sha256', key);
  for (const p of parts) hmac.update(p);
  return [Buffer.from('<IDS|MSG>'), Buffer.from(hmac.digest('hex')), ...parts.map((p) => Buffer.from(p))];
}

test("tslab's kernel never sends twice at once on a socket: statuses and replies all go out, in order", async () => {
  const handler = { handleKernel: () => ({ protocol_version: '5.3' }) };
  const server = new ZmqServer(handler, '');
  server.connInfo = { key: 'secret' };
  server.iopub = new SlowSocket();
  const shell = new SlowSocket();
  // Two requests back to back: each publishes "busy" and "idle" on iopub around its reply on the shell.
  await server.handleShellMessage(shell, ...request('secret', 'kernel_info_request'));
  await server.handleShellMessage(shell, ...request('secret', 'kernel_info_request'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(
    server.iopub.sent.map((m) => m.state),
    ['busy', 'idle', 'busy', 'idle'],
  );
  assert.deepEqual(
    shell.sent.map((m) => m.msgType),
    ['kernel_info_reply', 'kernel_info_reply'],
  );
});
