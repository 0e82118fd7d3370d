// The game page in headless Chromium with a fake webcam fed by a rendered clip: what the browser
// tests, `kombat bench` (ms per frame in the browser) and the README screenshot all run.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type LabelRange, readLabels } from '../data/labels';
import { shareInTime } from '../game/loop';
import { findChromium, LAUNCH_ARGS } from '../report/render';
import { type ClipPart, renderRecordings } from '../synth';
import type { PageBackend } from './api';
import { buildPage } from './build';
import { type RunningServer, type ServerOptions, startServer } from './server';

/** People of the built-in dataset's test split (reports/dataset.json): never seen in training. */
export const TEST_PEOPLE = ['s05', 's11'];

export interface GameClip {
  /** A y4m file for --use-file-for-fake-video-capture. */
  video: string;
  labels: LabelRange[];
  duration: number;
  fps: number;
}

/** Renders one scripted clip of a built-in person (default: the first test-split person) as y4m. */
export async function renderGameClip(
  dir: string,
  parts: ClipPart[] = ['punch', 'kick', 'other'],
  person = TEST_PEOPLE[0],
): Promise<GameClip> {
  const summary = await renderRecordings({
    out: dir,
    clipsPerSubject: 1,
    only: [person],
    script: parts,
    format: 'y4m',
  });
  const clip = summary.clips[0];
  const video = path.join(summary.dir, clip.file);
  const labels = await readLabels(path.join(summary.dir, clip.labelsFile));
  return { video, labels, duration: clip.duration, fps: clip.fps };
}

export interface GameSession {
  server: RunningServer;
  browser: Browser;
  page: Page;
  /** Uncaught exceptions and console errors of the page. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Headless Chromium whose camera is a fake device: `video` (y4m) or Chromium's test pattern.
 * Camera permission is per browser context (see openPage), so one browser serves pages with the
 * camera allowed and denied.
 */
export async function launchChromium(video?: string): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error('no Chromium found (CHROMIUM_PATH, /usr/bin/chromium): install it with make setup');
  const args = [...LAUNCH_ARGS, '--autoplay-policy=no-user-gesture-required', '--use-fake-device-for-media-stream'];
  if (video) args.push(`--use-file-for-fake-video-capture=${video}`);
  return chromium.launch({ executablePath, args, timeout: 60_000 });
}

export interface OpenedPage {
  page: Page;
  /** Uncaught exceptions and console errors of the page. */
  errors: string[];
  close(): Promise<void>;
}

/** Opens `url` in a new context (camera allowed unless `camera` is false) and waits until the page is ready. */
export async function openPage(
  browser: Browser,
  url: string,
  options: { camera?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    permissions: options.camera === false ? [] : ['camera'],
    viewport: options.viewport ?? { width: 1320, height: 660 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  try {
    // A loaded machine can take longer than the default 30 s to load the page and its bundle.
    await page.goto(url, { timeout: 120_000 });
    await page.waitForFunction(() => window.kombatPage?.ready === true, null, { timeout: 120_000 });
  } catch (err) {
    await context.close();
    throw new Error(
      `${url} did not get ready: ${(err as Error).message.split('\n')[0]}; page errors: ${errors.join('; ')}`,
    );
  }
  return { page, errors, close: () => context.close() };
}

export interface OpenOptions {
  /** Fake webcam video (y4m); without it Chromium's built-in test pattern. */
  video?: string;
  /** The page, e.g. "index.html?backend=wasm". */
  path?: string;
  server?: Partial<ServerOptions>;
}

/** Builds and serves the page, and opens it in headless Chromium with a fake camera. */
export async function openGame(options: OpenOptions = {}): Promise<GameSession> {
  const pageDir = (await buildPage({ out: await fs.mkdtemp(path.join(os.tmpdir(), 'kombat-page-')) })).dir;
  const server = await startServer({ pageDir, port: 0, ...options.server });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium(options.video);
    const { page, errors } = await openPage(browser, new URL(options.path ?? '', server.url).href);
    const opened = browser;
    return {
      server,
      browser,
      page,
      errors,
      close: async () => {
        await opened.close();
        await server.close();
        await fs.rm(pageDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close();
    await server.close();
    throw err;
  }
}

export interface TensorTrace {
  /** numTensors sampled once a second. */
  samples: number[];
  min: number;
  max: number;
}

/** Lets the page play for `seconds`, sampling tf.memory().numTensors once a second. */
export async function play(page: Page, seconds: number): Promise<TensorTrace> {
  const samples: number[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    samples.push(await page.evaluate(() => window.kombatPage.numTensors()));
    await page.waitForTimeout(Math.min(1000, Math.max(0, end - Date.now())));
  }
  samples.push(await page.evaluate(() => window.kombatPage.numTensors()));
  return { samples, min: Math.min(...samples), max: Math.max(...samples) };
}

export interface BrowserTiming {
  backend: PageBackend;
  /** Why the page chose it. */
  why: string;
  /** ms per frame (capture to probabilities: preprocessing, MobileNet and head) of each prediction. */
  msPerFrame: number[];
  /** Share of 100 ms ticks whose prediction finished before the next tick (skipped ticks count as late). */
  ticksInTime: number;
  /** 100 ms ticks with a frame and a model (predictions started plus ticks skipped as late). */
  ticks: number;
  /** What the page says (no camera, model not loaded, ...). */
  messages: Record<string, string>;
  tensors: TensorTrace;
}

/** Plays `seconds` and reads the page's own timings (the warm-up prediction is not counted). */
export async function measurePlay(session: GameSession, seconds: number): Promise<BrowserTiming> {
  const { page } = session;
  const before = await page.evaluate(() => ({ n: window.kombatPage.log.length, stats: window.kombatPage.stats() }));
  const tensors = await play(page, seconds);
  const after = await page.evaluate((n) => {
    const p = window.kombatPage;
    return { ms: p.log.slice(n).map((e) => e.ms), stats: p.stats(), backend: p.backend };
  }, before.n);
  if (!after.backend) throw new Error('the page chose no backend');
  const delta = {
    ticks: after.stats.ticks - before.stats.ticks,
    inTime: after.stats.inTime - before.stats.inTime,
    late: after.stats.late - before.stats.late,
  };
  return {
    backend: after.backend.name,
    why: after.backend.why,
    msPerFrame: after.ms,
    ticksInTime: shareInTime(delta),
    ticks: delta.ticks + delta.late,
    messages: await page.evaluate(() => window.kombatPage.messages()),
    tensors,
  };
}
