// Measurements of the page in headless Chromium: ms per frame on the backend the page picks (for
// `kombat bench`), and a long play with a rendered clip that checks the tensor count stays flat and
// saves the README's screenshot with its numbers (`kombat serve --screenshot`, run by `make all`).
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rangeAt } from '../data/labels';
import type { Attack } from '../game/fight';
import { fighterMoves, MOVE_SEEDS } from '../game/moves';
import { writeFileAtomic, writeJsonAtomic } from '../util/fs';
import { formatSpread, type Spread, spread } from '../util/stats';
import { PAGE_BACKENDS, type PageBackend } from './api';
import { type BrowserTiming, measurePlay, openGame, renderGameClip, TEST_PEOPLE } from './headless';
import type { ServerOptions } from './server';

export interface BrowserBench {
  /** On the backend the page picks by itself. */
  browserMsPerFrame: Spread;
  browser: {
    backend: PageBackend;
    why: string;
    /** Share of 100 ms ticks whose prediction finished before the next one. */
    ticksInTime: number;
    ticks: number;
    seconds: number;
    /** ms per frame on each backend measured (?backend=...). */
    byBackend: Partial<Record<PageBackend, Spread>>;
  };
}

/**
 * Chromium's built-in fake camera (its test pattern: the content does not change the cost), the
 * default model, `seconds` of play on the page's own choice, then on each of `also`.
 */
export async function benchBrowser(
  seconds = 20,
  also: PageBackend[] = [],
  server: Partial<ServerOptions> = {},
  log: (line: string) => void = () => {},
): Promise<BrowserBench> {
  const byBackend: Partial<Record<PageBackend, Spread>> = {};
  let picked: BrowserTiming | undefined;
  for (const forced of [undefined, ...also.filter((b) => PAGE_BACKENDS.includes(b))]) {
    const session = await openGame({ path: forced ? `?backend=${forced}` : '', server });
    try {
      const timing = await measurePlay(session, seconds);
      if (timing.msPerFrame.length === 0) {
        const said = Object.values(timing.messages).join(' ');
        throw new Error(`the page made no prediction in ${seconds} s on ${timing.backend}${said ? `: ${said}` : ''}`);
      }
      byBackend[timing.backend] = spread(timing.msPerFrame);
      picked ??= timing;
      const how = forced ? 'forced' : `picked: ${timing.why}`;
      log(
        `browser ${timing.backend} (${how}): ms/frame ${formatSpread(spread(timing.msPerFrame), 1)}; ` +
          `ticks in time ${(100 * timing.ticksInTime).toFixed(0)}%`,
      );
    } finally {
      await session.close();
    }
  }
  if (!picked) throw new Error('no browser measurement');
  return {
    browserMsPerFrame: spread(picked.msPerFrame),
    browser: {
      backend: picked.backend,
      why: picked.why,
      ticksInTime: picked.ticksInTime,
      ticks: picked.ticks,
      seconds,
      byBackend,
    },
  };
}

export interface PlayReport {
  person: string;
  seconds: number;
  backend: PageBackend;
  why: string;
  msPerFrame: Spread;
  ticksInTime: number;
  ticks: number;
  /** tf.memory().numTensors sampled once a second. */
  tensors: { first: number; min: number; max: number; samples: number };
  predictions: number;
  actions: Record<string, number>;
}

/**
 * Plays a rendered clip of a test-split person for `seconds` in headless Chromium, fails when the
 * page's tensor count moved (a leak), and saves a screenshot taken just after a strike fired plus
 * the numbers (`<png>` and `<png without .png>.json`).
 */
export async function playAndCapture(
  png: string,
  seconds = 120,
  server: Partial<ServerOptions> = {},
  log: (line: string) => void = () => {},
): Promise<PlayReport> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kombat-play-'));
  try {
    const person = TEST_PEOPLE[0];
    log(`rendering a clip of ${person} (test split): punches, kicks, other movements`);
    const clip = await renderGameClip(tmp, ['punch', 'kick', 'other'], person);
    const session = await openGame({ video: clip.video, server });
    try {
      log(`playing ${seconds} s in headless Chromium`);
      const timing = await measurePlay(session, seconds);
      const { samples } = timing.tensors;
      if (timing.tensors.min !== timing.tensors.max) {
        throw new Error(
          `tf.memory().numTensors moved between ${timing.tensors.min} and ${timing.tensors.max} ` +
            `in ${seconds} s of play: a leak`,
        );
      }
      if (session.errors.length > 0) throw new Error(`the page logged errors: ${session.errors.join('; ')}`);
      // A moment worth showing: the person in the clip punching, and the punch the camera fired starting
      // player 1's punch. Punches: a kick's strike comes later in its move, when the HUD has moved on.
      const deadline = Date.now() + 60_000;
      let action: string | undefined;
      while (!action) {
        const last = await session.page.evaluate(() => window.kombatPage.log.at(-1));
        const shown = last && rangeAt(clip.labels, last.videoTime % clip.duration)?.label;
        if (last?.fired === 'onPunch' && shown === 'punch' && last.move === 'punch' && last.moveBefore !== 'punch') {
          action = last.action;
        } else if (Date.now() > deadline) throw new Error('no strike fired during a strike of the clip in 60 s');
        else await session.page.waitForTimeout(20);
      }
      // To the start of player 1's strike phase: reading the log and taking the screenshot wait for the
      // page's main thread, which inference keeps busy, so the picture lands inside the strike.
      const strike = fighterMoves(MOVE_SEEDS[0])[action as Attack].strike;
      await session.page.waitForTimeout((strike?.from ?? 0) * 1000);
      await writeFileAtomic(png, await session.page.screenshot());
      const log_ = await session.page.evaluate(() => window.kombatPage.log);
      const actions: Record<string, number> = {};
      for (const e of log_) if (e.fired) actions[e.fired] = (actions[e.fired] ?? 0) + 1;
      const report: PlayReport = {
        person,
        seconds,
        backend: timing.backend,
        why: timing.why,
        msPerFrame: spread(timing.msPerFrame),
        ticksInTime: timing.ticksInTime,
        ticks: timing.ticks,
        tensors: { first: samples[0], min: timing.tensors.min, max: timing.tensors.max, samples: samples.length },
        predictions: log_.length,
        actions,
      };
      await writeJsonAtomic(png.replace(/\.png$/i, '.json'), report);
      return report;
    } finally {
      await session.close();
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
