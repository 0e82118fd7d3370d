// Shared test fixtures. ../shared (next to the checkout) holds the offline MobileNet and sample
// photos; tests that need it skip with a message where it is absent (a user's fresh clone).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import type { FeatureSet } from '../src/features/sets';
import { mulberry32 } from '../src/util/random';

export const sharedDir = path.resolve(__dirname, '..', '..', 'shared');
export const sharedMobileNet = path.join(sharedDir, 'models', 'mobilenet_v1_0.75_224');
export const samplesDir = path.join(sharedDir, 'fixtures', 'imagenet-samples');

/** false when ../shared is present, else the reason to pass as node:test's `skip`. */
export const needsShared: false | string = existsSync(path.join(sharedMobileNet, 'model.json'))
  ? false
  : `skipped: ${sharedMobileNet} is absent (only CI and development machines have ../shared)`;

export const sharedMoveNet = path.join(sharedDir, 'models', 'movenet_singlepose_lightning_4');

/** false when ../shared has MoveNet (and MobileNet), else the reason to pass as node:test's `skip`. */
export const needsMoveNet: false | string =
  needsShared ||
  (existsSync(path.join(sharedMoveNet, 'model.json'))
    ? false
    : `skipped: ${sharedMoveNet} is absent (only CI and development machines have ../shared)`);

export function tempDir(prefix = 'kombat-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Three noisy clusters in 16 dimensions: a small learnable feature set for training tests. */
export function clusterFixture(n: number, seed: number, classes = ['punch', 'kick', 'other']): FeatureSet {
  const rng = mulberry32(seed);
  const d = 16;
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes.length;
    for (let j = 0; j < d; j++) x[i * d + j] = (j % classes.length === y[i] ? 1 : 0) + (rng() - 0.5) * 1.5;
  }
  return { x, featureSize: d, y, classes };
}

/**
 * Serves the files of `dir` by base name (any path, query ignored) on 127.0.0.1, standing in for a
 * model's official host; `breakFile` gets its connection cut halfway through the body.
 */
export async function modelServer(
  dir: string,
  breakFile?: string,
): Promise<{ baseUrl: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer(async (req, res) => {
    requests.push(req.url ?? '');
    const name = path.basename((req.url ?? '').split('?')[0]);
    const bytes = await fs.readFile(path.join(dir, name)).catch(() => undefined);
    if (!bytes) return void res.writeHead(404).end();
    if (name === breakFile) {
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, bytes.length >> 1));
      return void res.destroy();
    }
    res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

/** Simple distinct shapes: punch a red disc, kick a green bar, other a blue triangle; subjects differ in background. */
export async function shapesDataset(dir: string, subjects = ['s1', 's2', 's3'], perClass = 4): Promise<void> {
  const shapes: Record<string, (x: number, y: number) => string> = {
    punch: (x, y) => `<circle cx="${x}" cy="${y}" r="14" fill="#d02020"/>`,
    kick: (x, y) => `<rect x="${x - 20}" y="${y - 6}" width="40" height="12" fill="#20a040"/>`,
    other: (x, y) => `<polygon points="${x},${y - 15} ${x - 13},${y + 12} ${x + 13},${y + 12}" fill="#2040d0"/>`,
  };
  for (const [s, subject] of subjects.entries()) {
    for (const cls of Object.keys(shapes)) {
      mkdirSync(path.join(dir, cls), { recursive: true });
      for (let i = 0; i < perClass; i++) {
        const bg = 200 + s * 15;
        const fill = `rgb(${bg},${bg - s * 20},${bg - 40})`;
        const svg =
          '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="54">' +
          `<rect width="100%" height="100%" fill="${fill}"/>` +
          `${shapes[cls](25 + i * 14, 20 + ((i * 7 + s * 5) % 14))}</svg>`;
        await sharp(Buffer.from(svg))
          .png()
          .toFile(path.join(dir, cls, `${subject}_c1_${String(i).padStart(5, '0')}.png`));
      }
    }
  }
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export const kombatMain = path.join(__dirname, '..', 'src', 'cli', 'main.ts');

/** `kombat <args>` in a child process with `env`, as a user runs it. */
export function runKombat(env: NodeJS.ProcessEnv, ...args: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', kombatMain, ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under dir with its sha256, for "nothing changed" checks. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** `value`, asserted present (a test fails here, naming `what`, instead of a TypeError further on). */
export function present<T>(value: T | undefined | null, what: string): T {
  assert.ok(value !== undefined && value !== null, `${what} is missing`);
  return value;
}

/**
 * The game page's probabilities on `frames` of the frames it classified (`pauseMs` apart, while it plays)
 * against the Node library's on the same pixels, each within 1e-3: the Node path of `kombat evaluate` (the
 * shared head loader, the encoder its metadata names) on the MobileNet and MoveNet copies the server gives
 * the page. Returns the feature kind and the largest difference, for the test's diagnostic.
 */
export async function assertPageMatchesNode(
  page: Page,
  modelDir: string,
  frames: number,
  pauseMs: number,
): Promise<{ kind: string; largest: number }> {
  // Imported here: most tests that use these helpers never load TensorFlow.js.
  const { initBackend, tf } = await import('../src/backend');
  const { loadHead } = await import('../src/export/load');
  const { localFolder } = await import('../src/export/model-io');
  const { undeclared } = await import('../src/features/kinds');
  const { loadLocalEncoder } = await import('../src/features/local-encoder');
  const { probabilitiesOf } = await import('../src/game/model');
  const { rgbTensor } = await import('../src/preprocess');
  await initBackend();
  const { head, metadata } = await loadHead(localFolder(modelDir));
  const encoder = await loadLocalEncoder(undeclared(metadata.features), {
    movenet: { kind: 'explicit', location: sharedMoveNet },
    mobilenet: { [String(0.75)]: { kind: 'explicit', location: sharedMobileNet } },
  });
  let largest = 0;
  try {
    for (let i = 0; i < frames; i++) {
      const frame = await page.evaluate(() => window.kombatPage.lastFrame());
      assert.ok(frame, `frame ${i}: the page has not classified a frame`);
      const pixels = rgbTensor(new Uint8Array(Buffer.from(frame.rgb, 'base64')), frame.width, frame.height);
      const { features } = await encoder.encode(pixels);
      const input = tf.tensor2d(features, [1, features.length]);
      const out = head.predict(input) as Tensor;
      const expected = probabilitiesOf(metadata, await out.data());
      for (const x of [pixels, input, out]) x.dispose();
      for (const [name, p] of Object.entries(expected)) {
        const diff = Math.abs(p - frame.probabilities[name]);
        largest = Math.max(largest, diff);
        assert.ok(diff <= 1e-3, `frame ${i}, ${name}: page ${frame.probabilities[name]}, Node ${p} (|diff| ${diff})`);
      }
      await page.waitForTimeout(pauseMs);
    }
  } finally {
    head.dispose();
    encoder.dispose();
  }
  return { kind: metadata.features.kind, largest };
}
