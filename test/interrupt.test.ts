// No worker thread outlives a command: `kombat features` on 2 workers ends when it fails on a bad
// image (naming it) and when Ctrl-C interrupts it mid-extraction. A thread left running would keep
// the process alive, and these runs would time out instead of ending.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { needsShared, shapesDataset, sharedMobileNet, tempDir } from './helpers';

const MAIN = path.join(__dirname, '..', 'src', 'cli', 'main.ts');
const root = tempDir('kombat-interrupt-');
after(() => rmSync(root, { recursive: true, force: true }));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  KOMBAT_DATA_DIR: path.join(root, 'data'),
  KOMBAT_MODELS_DIR: path.join(root, 'models'),
  KOMBAT_WORKERS: '2',
  MOBILENET_URL: sharedMobileNet,
};
delete env.KOMBAT_SMOKE;
const args = (data: string, size = '64x64') => [
  ...['--import', 'tsx', MAIN, 'features'],
  ...['--data', data, '--input-size', size],
];

test('a failing extraction on 2 workers ends the command and names the file', { skip: needsShared }, async () => {
  const data = path.join(root, 'broken');
  await shapesDataset(data, ['s1', 's2', 's3', 's4'], 8);
  writeFileSync(path.join(data, 'kick', 's2_c1_99999.png'), 'not a PNG');
  const run = spawnSync(process.execPath, args(data), { encoding: 'utf8', env, timeout: 240_000 });
  assert.equal(run.error, undefined, `the command did not end: ${run.stderr}`);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /s2_c1_99999\.png/);
});

test('Ctrl-C during an extraction on 2 workers ends the command', { skip: needsShared }, async () => {
  const data = path.join(root, 'many');
  await shapesDataset(data, ['s1', 's2', 's3', 's4', 's5', 's6'], 40);
  // At 224x224 the 720 images take well over the 3 s below even on a quiet machine (at 64x64 they did not).
  const child = spawn(process.execPath, args(data, '224x224'), { env });
  let stderr = '';
  const started = new Promise<void>((resolve) =>
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (/720 images; MobileNet/.test(stderr)) resolve();
    }),
  );
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await started;
  await new Promise((r) => setTimeout(r, 3000)); // the workers are up and embedding
  const t0 = Date.now();
  child.kill('SIGINT');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const { code, signal } = await exit;
  clearTimeout(timeout);
  assert.ok(signal === 'SIGINT' || code === 130, `ended by ${signal ?? `exit code ${code}`}: ${stderr}`);
  assert.ok(Date.now() - t0 < 30_000, `took ${Date.now() - t0} ms to end`);
  assert.doesNotMatch(stderr, /720 images: 720 computed/, 'interrupted before the end');
});
