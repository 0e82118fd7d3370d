// Record yourself, train, play, end to end in headless Chromium. The fake webcam shows a rendered
// person holding three poses in turn (other, punch, kick: 20 s each, stills of a scripted clip), so
// what is on camera at a moment is known. The page records each pose while "R" is held and with a
// countdown burst; the frames and manifest rows appear in the captured folder; "Train on my
// recordings" runs the library's training (tiny settings) and streams its progress; the page
// switches to the new model without a reload, and that model fires punches and kicks at the poses.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { indexDataset } from '../src/data/entries';
import { readManifest } from '../src/data/manifest';
import { findChromium } from '../src/report/render';
import type { CaptureListing, TrainEvent } from '../src/serve/api';
import { buildPage } from '../src/serve/build';
import { launchChromium, type OpenedPage, openPage, renderGameClip } from '../src/serve/headless';
import { type RunningServer, startServer } from '../src/serve/server';
import { needsShared, sharedMobileNet, tempDir } from './helpers';

const skip = needsShared || (findChromium() ? false : 'skipped: no Chromium (make setup installs it)');

/** The poses, in the order the fake webcam shows them, each for HOLD seconds; `at`: where in the clip. */
const POSES = [
  { label: 'other', at: 1.0 },
  { label: 'punch', at: 2.42 },
  { label: 'kick', at: 9.46 },
] as const;
const HOLD = 20;

function ffmpeg(...args: string[]): void {
  const r = spawnSync('ffmpeg', ['-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

/** A y4m of the three poses held HOLD seconds each, from stills of a rendered scripted clip. */
async function posesVideo(dir: string): Promise<string> {
  const clip = await renderGameClip(path.join(dir, 'clip'));
  const inputs: string[] = [];
  for (const [i, pose] of POSES.entries()) {
    const still = path.join(dir, `pose-${i}.png`);
    ffmpeg('-ss', String(pose.at), '-i', clip.video, '-frames:v', '1', still);
    inputs.push('-loop', '1', '-t', String(HOLD), '-i', still);
  }
  const out = path.join(dir, 'poses.y4m');
  ffmpeg(...inputs, '-filter_complex', '[0][1][2]concat=n=3:v=1,fps=12,format=yuv420p', out);
  return out;
}

/** Seconds into the fake webcam's loop, from the camera <video>'s clock. */
const cameraTime = (page: Page) =>
  page.evaluate(() => (document.getElementById('input-video') as HTMLVideoElement).currentTime);

/** Waits until the camera shows `pose` with `margin` seconds of it left ahead (safely inside its hold). */
async function waitForPose(page: Page, pose: number, margin: number): Promise<void> {
  for (;;) {
    const t = (await cameraTime(page)) % (HOLD * POSES.length);
    const start = pose * HOLD + 3;
    if (t >= start && t <= (pose + 1) * HOLD - margin) return;
    await page.waitForTimeout(200);
  }
}

describe('capture, train and play in Chromium with a fake webcam', { skip }, () => {
  const dir = tempDir('kombat-capture-browser-');
  const captured = path.join(dir, 'captured');
  const trained = path.join(dir, 'trained');
  let server: RunningServer;
  let browser: Browser;
  let opened: OpenedPage;

  before(async () => {
    const video = await posesVideo(dir);
    const page = await buildPage({ out: path.join(dir, 'page') });
    // No model to start with: the one the page plays with is the one it trains.
    server = await startServer({
      pageDir: page.dir,
      port: 0,
      modelsDir: path.join(dir, 'no-models'),
      captureDir: captured,
      trainedDir: trained,
      mobilenetUrl: sharedMobileNet,
      training: { epochs: 40, variants: 1 },
    });
    browser = await launchChromium(video);
    opened = await openPage(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('records each pose (key held and burst), trains from the page, switches and fires actions', async () => {
    const { page, errors } = opened;
    await page.fill('#capture-person', 'tester');
    const counts = async () => ((await (await fetch(`${server.url}api/capture`)).json()) as CaptureListing).counts;

    // Each pose twice: once while R is held, once as a burst of 6 after the 3 s countdown.
    for (const [i, pose] of POSES.entries()) {
      await page.selectOption('#capture-class', pose.label);
      await waitForPose(page, i, 12);
      const before = (await counts())[pose.label];
      const status = (text: string) =>
        page.waitForFunction((t) => document.getElementById('capture-status')?.textContent === t, text, {
          timeout: 60_000,
        });
      const clearStatus = () => page.evaluate(() => document.getElementById('capture-status')?.replaceChildren());
      await clearStatus();
      // The key goes to the page, not to the name field.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.down('r');
      await page.waitForTimeout(2000);
      await page.keyboard.up('r');
      await page.waitForFunction(
        (label) =>
          new RegExp(`^recorded \\d+ ${label} frames$`).test(
            document.getElementById('capture-status')?.textContent ?? '',
          ),
        pose.label,
        { timeout: 60_000 },
      );
      const held = (await counts())[pose.label] - before;
      assert.ok(held >= 2, `${pose.label}: ${held} frames while R was held`);
      await page.fill('#capture-frames', '6');
      await clearStatus();
      await page.click('#capture-burst');
      await status(`recorded 6 ${pose.label} frames`);
      assert.equal((await counts())[pose.label], before + held + 6);
    }

    // On disk: the dataset layout, one manifest row per file, two recordings per class.
    const index = await indexDataset(captured);
    assert.deepEqual(index.issues, []);
    const rows = await readManifest(captured);
    assert.equal(rows.length, index.entries.length);
    for (const { label } of POSES) {
      const recordings = new Set(rows.filter((r) => r.label === label).map((r) => r.clip));
      assert.equal(recordings.size, 2, `${label}: two recordings`);
    }
    assert.ok(rows.every((r) => r.subject === 'tester' && r.source === 'page'));
    // Thumbnails, and a click deletes one.
    const thumbs = await page.locator('img.thumb').count();
    const perClass = POSES.map(({ label }) => Math.min(12, rows.filter((r) => r.label === label).length));
    assert.equal(
      thumbs,
      perClass.reduce((a, b) => a + b, 0),
    );
    const first = await page.locator('.thumb-row[data-class="other"] img.thumb').first().getAttribute('data-file');
    await page.locator('.thumb-row[data-class="other"] img.thumb').first().click();
    await page.waitForFunction((file) => !document.querySelector(`img.thumb[data-file="${file}"]`), first);
    assert.equal(existsSync(path.join(captured, first ?? '')), false);
    assert.equal((await readManifest(captured)).length, rows.length - 1);

    // Train from the page: progress streams in, the page switches to the new model.
    await page.click('#train-mine');
    await page.waitForFunction(
      () => window.kombatPage.trainEvents().some((e) => e.type === 'done' || e.type === 'error'),
      null,
      {
        timeout: 600_000,
      },
    );
    const events: TrainEvent[] = await page.evaluate(() => window.kombatPage.trainEvents());
    const done = events.find((e) => e.type === 'done');
    assert.ok(done && done.type === 'done', JSON.stringify(events.filter((e) => e.type === 'error')));
    const stages = events.flatMap((e) => (e.type === 'stage' ? [e.stage] : []));
    assert.deepEqual(stages, ['augment', 'features', 'cross-validation', 'final', 'export']);
    assert.ok(events.some((e) => e.type === 'epoch' && e.fold !== undefined));
    assert.ok(events.some((e) => e.type === 'epoch' && e.fold === undefined));
    await page.waitForFunction((name) => window.kombatPage.model === name, done.model.name, { timeout: 120_000 });
    assert.equal(await page.locator('#model').inputValue(), done.model.name);

    // The exported folder and what its metadata says.
    const meta = JSON.parse(await fs.readFile(path.join(trained, done.model.name, 'metadata.json'), 'utf8'));
    assert.equal(meta.task, 'ternary');
    assert.equal(meta.dataset.frames, rows.length - 1);
    assert.equal(meta.dataset.recordings.length, 6);
    assert.ok(Date.parse(meta.dataset.trainedAt) > Date.now() - 3_600_000);
    assert.equal(meta.crossValidation.unit, 'recording');
    assert.ok(meta.metrics.crossValidated.accuracy >= 0);

    // It plays: the camera keeps cycling through the poses, and the new model fires punches and kicks.
    const from = await page.evaluate(() => window.kombatPage.log.length);
    const fired = async () => {
      const log = await page.evaluate((n) => window.kombatPage.log.slice(n), from);
      return { log, actions: new Set(log.map((e) => e.fired)) };
    };
    const deadline = Date.now() + 240_000;
    let seen = await fired();
    while (!(seen.actions.has('onPunch') && seen.actions.has('onKick')) && Date.now() < deadline) {
      await page.waitForTimeout(2000);
      seen = await fired();
    }
    const tail = seen.log.slice(-5).map((e) => JSON.stringify(e.probabilities));
    assert.ok(
      seen.actions.has('onPunch') && seen.actions.has('onKick'),
      `fired ${[...seen.actions].join(', ')} in ${seen.log.length} predictions; thresholds ` +
        `${JSON.stringify(meta.thresholds)}; last probabilities ${tail.join(' ')}`,
    );
    assert.deepEqual(errors, []);
  });
});
