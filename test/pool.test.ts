// The one worker pool: results in input order with any number of workers (and in this thread),
// progress, errors naming the item, a crashed or unloadable worker, abort; no worker left running.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { liveWorkers, mapInWorkers, poolSize, WorkerPool } from '../src/pool/workers';
import type { Setup, Squared } from './fixtures/pool-task';

const module = path.join(__dirname, 'fixtures', 'pool-task');
const items = Array.from({ length: 23 }, (_, i) => i);
const label = (n: number) => `item ${n}`;

test('the same ordered results from 1, 2 and 3 workers, with progress and typed arrays', async () => {
  const expected = items.map((n) => n * n);
  for (const workers of [1, 2, 3]) {
    for (const inFlight of [1, 2]) {
      const progress: string[] = [];
      const order: number[] = [];
      const out = await mapInWorkers<Setup, number, Squared>(items, {
        module,
        setup: {},
        workers,
        inFlight,
        label,
        onProgress: (m) => progress.push(String(m)),
        onResult: (_, i) => order.push(i),
      });
      assert.deepEqual(
        out.map((o) => o.square),
        expected,
        `${workers} workers, ${inFlight} in flight`,
      );
      assert.deepEqual(
        out.map((o) => o.bytes[0]),
        items,
      );
      assert.equal(progress.length, items.length);
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        items,
      );
      assert.equal(liveWorkers(), 0);
    }
  }
});

test('a failing item rejects the map with its label; every worker stops', async () => {
  for (const workers of [1, 2]) {
    await assert.rejects(
      mapInWorkers([1, 2, 3, -1, 5, 6, 7], { module, setup: {}, workers, label }),
      /^Error: item -1: negative one is refused/,
    );
    assert.equal(liveWorkers(), 0, `${workers} workers`);
  }
});

test('a worker that crashes or cannot set up fails the map, naming what it was on', async () => {
  await assert.rejects(
    mapInWorkers([1, 2, -2, 4, 5], { module, setup: {}, workers: 2, label }),
    /a worker stopped \(exit code 3\) before the work was done while on item -2/,
  );
  assert.equal(liveWorkers(), 0);
  await assert.rejects(
    mapInWorkers([1, 2, 3], { module, setup: { broken: true }, workers: 2, label }),
    /item \d: cannot set up/,
  );
  assert.equal(liveWorkers(), 0);
});

test('an abort stops the map and its workers', async () => {
  const controller = new AbortController();
  const map = mapInWorkers([1, -3, 2, 3], {
    module,
    setup: {},
    workers: 2,
    label,
    signal: controller.signal,
    onResult: () => controller.abort(new Error('stop requested')),
  });
  await assert.rejects(map, /stop requested/);
  assert.equal(liveWorkers(), 0);
});

test('pool size: the request, else KOMBAT_WORKERS, else 2 when it pays; never more than the work', () => {
  assert.equal(poolSize(100, { requested: 3 }), 3);
  assert.equal(poolSize(2, { requested: 3 }), 2);
  assert.equal(poolSize(100, { requested: 0 }), 1);
  assert.equal(poolSize(1), 1);
  assert.equal(poolSize(100, { pays: false }), 1);
  assert.equal(poolSize(10, { minUnits: 64 }), 1);
  assert.ok(poolSize(100) <= 2);
  assert.throws(() => poolSize(10, { requested: 1.5 }), /workers must be a whole number >= 0, got 1\.5/);
});

test('a WorkerPool keeps its threads between maps, with the same results; a failed map ends them', async () => {
  const pool = new WorkerPool<Setup>(module, {}, 2);
  try {
    const threads = new Set<number>();
    for (let run = 0; run < 3; run++) {
      const out = await mapInWorkers<Setup, number, Squared>(items, { module, setup: {}, workers: 1, pool, label });
      assert.deepEqual(
        out.map((o) => o.square),
        items.map((n) => n * n),
      );
      for (const o of out) threads.add(o.thread);
      assert.equal(liveWorkers(), 2, 'the threads outlive the map');
    }
    assert.equal(threads.size, 2, 'the same two threads served every run');
    assert.ok(!threads.has(0), 'none ran in this thread');
    await assert.rejects(
      mapInWorkers([1, 2], { module, setup: { broken: true }, workers: 2, pool, label }),
      /the worker pool runs .*pool-task with another setup than this map's/,
    );
    await assert.rejects(mapInWorkers([1, -1, 3], { module, setup: {}, workers: 2, pool, label }), /item -1: negative/);
    assert.equal(liveWorkers(), 0, "a failed map ends the pool's threads");
    const again = await mapInWorkers<Setup, number, Squared>([4, 5, 6], { module, setup: {}, workers: 2, pool, label });
    assert.deepEqual(
      again.map((o) => o.square),
      [16, 25, 36],
      'the pool starts new threads after a failure',
    );
  } finally {
    await pool.close();
  }
  assert.equal(liveWorkers(), 0);
  assert.throws(() => new WorkerPool(module, {}, 0), /a worker pool needs 1 or more threads, got 0/);
});

test('a pool left open does not keep a finished command running', () => {
  // A command that forgets close(): its idle threads must not hold the process open.
  const workers = path.join(__dirname, '..', 'src', 'pool', 'workers');
  const script = `
    const { mapInWorkers, WorkerPool } = require(${JSON.stringify(workers)});
    const module = ${JSON.stringify(module)};
    const pool = new WorkerPool(module, {}, 2);
    mapInWorkers([1, 2, 3, 4], { module, setup: {}, workers: 2, pool, label: String })
      .then((out) => console.log(out.map((o) => o.square).join(',')));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.error, undefined, 'the process did not end by itself');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), '1,4,9,16');
});
