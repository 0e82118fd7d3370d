// The game page with the default model (whatever feature kind it declares; chapter 09 exports pose
// models) on real webcam frames: a few runs of ../shared/data/real-shadowbox, played in file order
// (they come from videos) through Chromium's fake webcam. The page must run the model in the
// browser (MoveNet included) with the Node library's probabilities on the same pixels, keep its
// tensor count flat and log no error. Whether it plays well on a real person (punches fire in
// the punch runs, few actions in the others) is issue 12's goal, which the default does not reach
// (chapter 09 says how far each way got and why): that check is a TODO test, reported with its
// numbers, until a default model reaches it. The same check is an ordinary test of the page with
// the hold a player can ask for (?hold=2; issue 12's fourth round, not the default).
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { indexDataset } from '../src/data/entries';
import { findChromium } from '../src/report/render';
import type { LogEntry } from '../src/serve/api';
import { buildPage } from '../src/serve/build';
import { launchChromium, type OpenedPage, openPage } from '../src/serve/headless';
import { type RunningServer, startServer } from '../src/serve/server';
import { settings } from '../src/settings';
import { type RealClip, realFramesClip } from '../src/transfer/clip';
import { realStreams, sharedRealData } from '../src/transfer/real';
import { assertPageMatchesNode, needsMoveNet, sharedMobileNet, sharedMoveNet, tempDir } from './helpers';

const realData = sharedRealData();
const model = path.join(settings().modelsDir, 'kombat-ternary');
const skip =
  needsMoveNet ||
  (existsSync(realData) ? false : `skipped: ${realData} is absent (real frames: development and CI machines only)`) ||
  (findChromium() ? false : 'skipped: no Chromium (make setup installs it)') ||
  (existsSync(path.join(model, 'metadata.json')) ? false : `skipped: ${model} is missing (make all exports it)`);

/** Runs of each label taken from the start of the recordings, and frames per run at most: about 15 s of play. */
const RUNS_PER_LABEL = 3;
const FRAMES_PER_RUN = 25;

/** Copies the first runs of each label (file order, one source video per run) into `dir`, in the dataset layout. */
async function fewRuns(dir: string): Promise<void> {
  const index = await indexDataset(realData);
  const runs = realStreams(index.entries.map((e) => e.file)).map((stream) => stream.map((i) => index.entries[i]));
  const labels = [...new Set(runs.map((run) => run[0].label))];
  const kept = labels.flatMap((l) => runs.filter((run) => run[0].label === l).slice(0, RUNS_PER_LABEL));
  for (const run of kept) {
    for (const { file, label } of run.slice(0, FRAMES_PER_RUN)) {
      const target = path.join(dir, label, path.basename(file));
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.copyFile(path.join(realData, file), target);
    }
  }
}

/** Plays the whole clip in an opened page: the predictions made while it ran, and the tensor counts seen. */
async function playClip(opened: OpenedPage, clip: RealClip): Promise<{ played: LogEntry[]; tensors: number[] }> {
  const seconds = clip.frames / clip.fps;
  const tensors: number[] = [];
  for (;;) {
    tensors.push(await opened.page.evaluate(() => window.kombatPage.numTensors()));
    const at = await opened.page.evaluate(() => window.kombatPage.log.at(-1)?.videoTime ?? 0);
    if (at >= seconds) break;
    await opened.page.waitForTimeout(1000);
  }
  const played = (await opened.page.evaluate(() => window.kombatPage.log)).filter((e) => e.videoTime < seconds);
  return { played, tensors };
}

/** Punch runs answered, and the shares of predictions firing a punch in punch runs and anything in the others. */
function playShares(played: LogEntry[], clip: RealClip) {
  const inRun = (e: LogEntry, r: { start: number; end: number }) =>
    e.videoTime * clip.fps >= r.start && e.videoTime * clip.fps < r.end;
  const labelAt = (e: LogEntry) => clip.runs.find((r) => inRun(e, r))?.label;
  const punchRuns = clip.runs.filter((r) => r.label === 'punch');
  const answered = punchRuns.filter((r) => played.some((e) => e.fired === 'onPunch' && inRun(e, r))).length;
  const inPunch = played.filter((e) => labelAt(e) === 'punch');
  const inOther = played.filter((e) => labelAt(e) !== undefined && labelAt(e) !== 'punch');
  const share = (xs: LogEntry[], f: (e: LogEntry) => boolean) => (xs.length ? xs.filter(f).length / xs.length : 0);
  const punchFired = share(inPunch, (e) => e.fired === 'onPunch');
  const otherActed = share(inOther, (e) => e.fired !== undefined);
  const text =
    `punch runs answered ${answered}/${punchRuns.length}; predictions firing a punch in punch runs ` +
    `${(100 * punchFired).toFixed(0)}%, firing anything in other runs ${(100 * otherActed).toFixed(0)}%`;
  return { answered, punchRuns: punchRuns.length, punchFired, otherActed, text };
}

describe('the game page with the default model on real frames', { skip }, () => {
  const dir = tempDir('kombat-real-play-');
  let clip: RealClip;
  let server: RunningServer;
  let browser: Browser;
  let opened: OpenedPage;
  let played: LogEntry[] = [];
  let tensors: number[] = [];

  before(async () => {
    await fewRuns(path.join(dir, 'frames'));
    clip = await realFramesClip(path.join(dir, 'frames'), path.join(dir, 'real.y4m'));
    const page = await buildPage({ out: path.join(dir, 'page') });
    server = await startServer({
      pageDir: page.dir,
      port: 0,
      defaultModel: 'kombat-ternary',
      mobilenetUrl: sharedMobileNet,
      movenetUrl: sharedMoveNet,
    });
    browser = await launchChromium(clip.file);
  });

  after(async () => {
    await opened?.close();
    await browser?.close();
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('the page plays the clip through the model with no error and a flat tensor count', async (t) => {
    opened = await openPage(browser, server.url);
    const loaded = await opened.page.evaluate(() => ({
      model: window.kombatPage.model,
      ...window.kombatPage.messages(),
    }));
    assert.equal(loaded.model, 'kombat-ternary', JSON.stringify(loaded));
    ({ played, tensors } = await playClip(opened, clip));
    const stats = await opened.page.evaluate(() => window.kombatPage.stats());
    t.diagnostic(
      `${clip.frames} frames in ${clip.runs.length} runs; ${played.length} predictions; ${JSON.stringify(stats)}`,
    );
    // The rate follows the machine's load (1.5 a second at a load of 16 on 2 cores); every run must be seen.
    const runsSeen = clip.runs.filter((r) =>
      played.some((e) => e.videoTime * clip.fps >= r.start && e.videoTime * clip.fps < r.end),
    );
    assert.equal(runsSeen.length, clip.runs.length, 'a run of the clip got no prediction');
    assert.ok(tensors.length >= 5, `only ${tensors.length} samples`);
    assert.deepEqual(new Set(tensors), new Set([tensors[0]]), `numTensors changed: ${tensors.join(' ')}`);
    assert.deepEqual(opened.errors, []);
  });

  test("the page's probabilities on a real frame equal the Node library's (within 1e-3)", async (t) => {
    const { kind, largest } = await assertPageMatchesNode(opened.page, model, 2, 500);
    t.diagnostic(`${kind} features; largest |page - Node| ${largest.toExponential(2)}`);
  });

  test('punches fire in the punch runs and few actions in the others (issue 12: not reached by the default)', {
    todo: 'the default model has not reached the real-frame goal (chapter 09)',
  }, (t) => {
    const r = playShares(played, clip);
    t.diagnostic(r.text);
    assert.equal(r.answered, r.punchRuns, 'a punch run without a punch');
    assert.ok(r.otherActed <= 0.1, `actions on ${(100 * r.otherActed).toFixed(0)}% of the predictions in other runs`);
  });

  test('?hold=2, the hold a player may ask for: a punch in each punch run, at most 10% acting elsewhere', async (t) => {
    await opened.close();
    opened = await openPage(browser, `${server.url}?hold=2`);
    const held = await playClip(opened, clip);
    const r = playShares(held.played, clip);
    t.diagnostic(r.text);
    assert.deepEqual(opened.errors, []);
    assert.ok(
      held.played.some((e) => e.action !== 'none' && e.fired === undefined),
      'the hold never held back an action',
    );
    assert.equal(r.answered, r.punchRuns, 'a punch run without a punch');
    assert.ok(r.otherActed <= 0.1, `actions on ${(100 * r.otherActed).toFixed(0)}% of the predictions in other runs`);
  });
});
