// The game page end to end in headless Chromium: a fake webcam plays a clip rendered by `kombat synth`
// of a test-split person (punches, then kicks, then everyday movements); the page's model and
// decision rule must make the fighter punch and kick during the strikes, agree with the Node
// library on the same pixels, keep its tensor count flat, and say clearly what went wrong when the
// camera, the model or a video file is bad. One browser and one clip for all of it.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Action } from '../src/decision';
import { judgeClip, playScore, STRIKE_KINDS, type TimedAction } from '../src/eval/play';
import { type CheckedMetadata, checkMetadata } from '../src/export/metadata';
import type { DeclaredFeatures } from '../src/features/kinds';
import { POSE_DESCRIPTOR_V2 } from '../src/pose/descriptor';
import { findChromium } from '../src/report/render';
import { readChapterResults, resultsFile } from '../src/results/files';
import type { LogEntry } from '../src/serve/api';
import { buildPage } from '../src/serve/build';
import { type GameClip, launchChromium, type OpenedPage, openPage, renderGameClip } from '../src/serve/headless';
import { type RunningServer, startServer } from '../src/serve/server';
import { settings } from '../src/settings';
import { assertPageMatchesNode, needsMoveNet, sharedDir, sharedMobileNet, sharedMoveNet, tempDir } from './helpers';

const mkjsDir = path.join(sharedDir, 'vendor', 'mk-tfjs', 'mk');
const model = path.join(settings().modelsDir, 'kombat-ternary');
const skip =
  needsMoveNet ||
  (findChromium() ? false : 'skipped: no Chromium (make setup installs it)') ||
  (existsSync(path.join(model, 'metadata.json')) ? false : `skipped: ${model} is missing (make all exports it)`);

/**
 * The same model's features declared wrongly, so that they no longer fit its head: another MobileNet
 * layer (384 values, not 768), or another version of the pose descriptor (70 values, not 84).
 */
function wrongFeatures(f: DeclaredFeatures): DeclaredFeatures {
  if (f.kind === 'mobilenet') return { ...f, layer: 'conv_pw_11_relu' };
  if (f.kind === 'pose') return { ...f, descriptor: { ...POSE_DESCRIPTOR_V2 } };
  throw new Error(`no wrong declaration for ${f.kind} features in this test`);
}

/** Presses `key` until player 1 takes `move` (the computer's hits can interrupt a first try). */
async function pressUntil(page: Page, key: string, move: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await page.waitForFunction(() => window.kombatPage.playerMove() === 'stand');
    await page.keyboard.press(key);
    if ((await page.evaluate(() => window.kombatPage.playerMove())) === move) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`pressing ${key} never made player 1 ${move}`);
}

/**
 * The bound on moves the fighter starts by itself per minute of "other": what chapter 10 measured for
 * this model at its own thresholds over the test split's recordings, counted by the same judge
 * (eval/play.ts). The page may not be jumpier than the library was offline.
 */
/**
 * The page predicts 10 times a second; below this rate a strike's movement (under a second) gets too few
 * frames to be judged. A machine whose load is above OVERLOAD per core cannot give the page that rate.
 */
const MIN_PREDICTIONS_PER_SECOND = 5;
const OVERLOAD = 2;

async function otherMovesBound(metadata: CheckedMetadata): Promise<number> {
  const results = await readChapterResults('10-playing');
  if (!results) assert.fail(`${resultsFile('10-playing')} is missing: run chapter 10 (make all writes it)`);
  const chosen = results.models.ternary.played.chosen;
  assert.deepEqual(
    chosen.rule.thresholds,
    metadata.thresholds,
    `chapter 10 played the 3-way model at other thresholds than ${model} has: re-run chapter 10`,
  );
  return chosen.score.movesPerOtherMinute;
}

describe('the game page in Chromium with a fake webcam', { skip }, () => {
  const dir = tempDir('kombat-game-');
  let clip: GameClip;
  let server: RunningServer;
  let browser: Browser;
  let main: OpenedPage;
  /** numTensors of the main page, sampled while it plays. */
  const tensors: number[] = [];
  let played: LogEntry[] = [];
  let ticksAfterPlay = 0;
  let strikes: { judged: ReturnType<typeof judgeClip>; detail: string } | undefined;

  before(async () => {
    clip = await renderGameClip(path.join(dir, 'clip'));
    // Two broken copies of the default model: no metadata.json; features that do not fit its head.
    const noMetadata = path.join(dir, 'models', 'no-metadata');
    const wrongLayer = path.join(dir, 'models', 'wrong-layer');
    for (const target of [noMetadata, wrongLayer]) await fs.cp(model, target, { recursive: true });
    await fs.rm(path.join(noMetadata, 'metadata.json'));
    const metadata = JSON.parse(await fs.readFile(path.join(wrongLayer, 'metadata.json'), 'utf8'));
    metadata.features = wrongFeatures(metadata.features);
    await fs.writeFile(path.join(wrongLayer, 'metadata.json'), JSON.stringify(metadata));

    const page = await buildPage({ out: path.join(dir, 'page'), mkjs: existsSync(mkjsDir) ? mkjsDir : undefined });
    server = await startServer({
      pageDir: page.dir,
      port: 0,
      models: [noMetadata, wrongLayer],
      defaultModel: 'kombat-ternary',
      mobilenetUrl: sharedMobileNet,
      movenetUrl: sharedMoveNet,
      mkjs: page.mkjs ? mkjsDir : undefined,
    });
    browser = await launchChromium(clip.video);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('a model without metadata or with features not fitting its head: a message; the keyboard plays', async () => {
    const cases = [
      { model: 'no-metadata', message: /no-metadata\/metadata\.json is missing/ },
      {
        model: 'wrong-layer',
        message: /wrong-layer\/metadata\.json: features\.featureSize: \d+ declared, but .* gives \d+ values/,
      },
    ];
    for (const c of cases) {
      const opened = await openPage(browser, `${server.url}?model=${c.model}`);
      try {
        const messages = await opened.page.evaluate(() => window.kombatPage.messages());
        assert.match(messages.model ?? '', c.message);
        assert.match(messages.model ?? '', /keyboard still plays/);
        await pressUntil(opened.page, 'd', 'kick');
        assert.equal(await opened.page.evaluate(() => window.kombatPage.log.length), 0, 'a broken model predicted');
      } finally {
        await opened.close();
      }
    }
  });

  test('camera denied: a message saying how to allow it; the keyboard plays', async () => {
    const opened = await openPage(browser, server.url, { camera: false });
    try {
      const messages = await opened.page.evaluate(() => window.kombatPage.messages());
      assert.match(messages.camera ?? '', /Camera access was denied.*keyboard/);
      await pressUntil(opened.page, 'a', 'punch');
    } finally {
      await opened.close();
    }
  });

  test('a video file plays through the model; a file that is not a video gets a message', async () => {
    const webm = path.join(dir, 'punches.webm');
    const ff = spawnSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      clip.video,
      '-t',
      '8',
      '-c:v',
      'libvpx',
      '-b:v',
      '1M',
      webm,
    ]);
    assert.equal(ff.status, 0, String(ff.stderr));
    const notVideo = path.join(dir, 'holiday.mp4');
    await fs.writeFile(notVideo, 'this is a text file, not a video\n');
    const opened = await openPage(browser, `${server.url}?input=file`);
    try {
      await opened.page.setInputFiles('#video-file', notVideo);
      await opened.page.waitForFunction(() => window.kombatPage.messages().video !== undefined);
      const messages = await opened.page.evaluate(() => window.kombatPage.messages());
      assert.match(messages.video, /holiday\.mp4: not a video this browser can play/);
      await opened.page.setInputFiles('#video-file', webm);
      await opened.page.waitForFunction(() => window.kombatPage.log.some((e) => e.fired === 'onPunch'), null, {
        timeout: 30_000,
      });
      assert.equal((await opened.page.evaluate(() => window.kombatPage.messages())).video, undefined);
    } finally {
      await opened.close();
    }
  });

  // The main page opens after the pages above are closed: two cores, and its loop runs all the time.
  test('cross-origin isolated, and wasm is chosen over a software WebGL', async () => {
    main = await openPage(browser, server.url);
    assert.equal(await main.page.evaluate(() => crossOriginIsolated), true);
    const backend = await main.page.evaluate(() => window.kombatPage.backend);
    assert.ok(backend, 'the page chose no backend');
    const software = /swiftshader|llvmpipe|software/i.test(backend.renderer ?? '');
    assert.equal(backend.name, software || !backend.renderer ? 'wasm' : 'webgl', backend.why);
    if (backend.name === 'wasm') assert.equal(backend.simd, true, 'wasm runs without SIMD');
  });

  test('punches and kicks fire onPunch / onKick in the strikes and move the fighter; few others', async (t) => {
    // One pass of the clip: the camera (and the video clock) starts after the model is loaded.
    const end = clip.duration + 0.3;
    for (;;) {
      tensors.push(await main.page.evaluate(() => window.kombatPage.numTensors()));
      const t = await main.page.evaluate(() => window.kombatPage.log.at(-1)?.videoTime ?? 0);
      if (t >= end) break;
      await main.page.waitForTimeout(1000);
    }
    played = await main.page.evaluate(() => window.kombatPage.log);
    const stats = await main.page.evaluate(() => window.kombatPage.stats());
    ticksAfterPlay = stats.ticks;
    const ms = played.map((e) => e.ms).sort((a, b) => a - b);
    t.diagnostic(`loop: ${JSON.stringify(stats)}; capture to verdict median ${ms[ms.length >> 1]?.toFixed(0)} ms`);
    // The page's actions judged as chapter 10 judges the library's: each strike's movement (wind-up,
    // strike, return) must be answered, and "other" time counts the moves started in it.
    const metadata = checkMetadata(JSON.parse(await fs.readFile(path.join(model, 'metadata.json'), 'utf8')), model);
    const actions: TimedAction[] = played
      .filter((e) => e.videoTime < clip.duration)
      .map((e) => ({ time: e.videoTime, action: e.action as Action }));
    const judged = judgeClip(clip.labels, actions);
    const score = playScore([judged]);
    const bound = await otherMovesBound(metadata);
    t.diagnostic(
      `${actions.length} predictions in ${clip.duration.toFixed(1)} s; ` +
        played
          .map((e) => `${e.videoTime.toFixed(1)}:${e.action[0]}:${(e.probabilities.other ?? 0).toFixed(2)}`)
          .join(' '),
    );
    const detail = JSON.stringify({
      strikes: judged.strikes.map((s) => ({ kind: s.kind, start: s.start, answered: s.answered })),
      movesPerOtherMinute: score.movesPerOtherMinute,
      actionsPerOtherMinute: score.actionsPerOtherMinute,
      bound,
    });
    t.diagnostic(`play: ${detail}`);
    assert.deepEqual(main.errors, []);
    const rate = actions.length / clip.duration;
    const load = os.loadavg()[0] / os.cpus().length;
    if (rate < MIN_PREDICTIONS_PER_SECOND && load > OVERLOAD) {
      t.skip(
        `skipped: the page made ${rate.toFixed(1)} predictions a second (10 wanted, ${MIN_PREDICTIONS_PER_SECOND} ` +
          `needed to judge strikes) on a machine loaded ${load.toFixed(1)} per core: run it again when the machine ` +
          'is less busy',
      );
      return;
    }
    assert.ok(
      rate >= MIN_PREDICTIONS_PER_SECOND,
      `the page made ${rate.toFixed(1)} predictions a second (at least ${MIN_PREDICTIONS_PER_SECOND} needed) ` +
        `on a machine loaded ${load.toFixed(1)} per core`,
    );
    strikes = { judged, detail };
    // At least half of each: the bound every default model so far meets on this clip (see the next test).
    for (const kind of STRIKE_KINDS) {
      const ofKind = judged.strikes.filter((s) => s.kind === kind);
      assert.ok(ofKind.length >= 3, `too few ${kind} strikes in the clip: ${detail}`);
      const answered = ofKind.filter((s) => s.answered).length;
      assert.ok(answered >= ofKind.length / 2, `${kind} strikes missed: ${detail}`);
    }
    assert.ok(score.movesPerOtherMinute <= bound, `more moves in "other" than chapter 10 measured: ${detail}`);
    // The fighter's move changes because of the call: every call that finds the fighter standing starts
    // its strike (a call mid-strike or mid-hit is ignored, as MK.js ignores it). At least one punch must
    // find it standing; a kick need not (in one CI run the rule's punches during kicks left it no free moment).
    for (const [fired, move, oneFree] of [
      ['onPunch', 'punch', true],
      ['onKick', 'kick', false],
    ] as const) {
      const calls = played.filter((e) => e.fired === fired);
      assert.ok(calls.length > 0, `${fired} was never called: ${detail}`);
      const free = calls.filter((e) => e.moveBefore === 'stand');
      if (oneFree) assert.ok(free.length > 0, `${fired} never found the fighter standing: ${detail}`);
      const ignored = free.filter((e) => e.move !== move);
      assert.deepEqual(ignored, [], `${fired} found the fighter standing and did not start a ${move}`);
      t.diagnostic(`${fired}: ${calls.length} calls, ${free.length} with the fighter standing, each started a ${move}`);
    }
    assert.deepEqual(main.errors, []);
  });

  test('all but one strike of each kind answered (met by the whole-frame model, not yet by the pose one)', {
    todo:
      "chapter 09's pose default answers 2-3 of 4 punches and kicks of this clip in the page (MoveNet's two " +
      'looks: about 3 predictions a second on a loaded machine; MobileNet: 11 a second in reports/game.json)',
  }, () => {
    assert.ok(strikes, 'the page did not play');
    for (const kind of STRIKE_KINDS) {
      const ofKind = strikes.judged.strikes.filter((s) => s.kind === kind);
      const answered = ofKind.filter((s) => s.answered).length;
      assert.ok(answered >= ofKind.length - 1, `${kind} strikes missed: ${strikes.detail}`);
    }
  });

  test("the page's probabilities equal the Node library's on the same pixels (within 1e-3)", async (t) => {
    const { largest } = await assertPageMatchesNode(main.page, model, 3, 700);
    t.diagnostic(`largest |page - Node| over 3 frames: ${largest.toExponential(2)}`);
  });

  test('tf.memory().numTensors stays constant while the page plays', async () => {
    // Sampled during the clip and again now, after the parity check (the page kept playing).
    const now = await main.page.evaluate(() => ({ n: window.kombatPage.numTensors(), s: window.kombatPage.stats() }));
    tensors.push(now.n);
    assert.ok(tensors.length >= 10, `only ${tensors.length} samples`);
    assert.deepEqual(new Set(tensors), new Set([tensors[0]]), `numTensors changed: ${tensors.join(' ')}`);
    assert.ok(now.s.ticks > ticksAfterPlay, 'the page stopped predicting');
    assert.deepEqual(main.errors, []);
  });

  test('the camera unplugged mid-game: a message, the keyboard plays on', async () => {
    await main.page.evaluate(() => window.kombatPage.stopCamera());
    await main.page.waitForFunction(() => window.kombatPage.messages().camera !== undefined);
    const messages = await main.page.evaluate(() => window.kombatPage.messages());
    assert.match(messages.camera, /camera stopped.*keyboard/i);
    await pressUntil(main.page, 'd', 'kick');
  });

  test('MK.js: the same punches make its player 1 take the high-punch move', async (t) => {
    if (!existsSync(mkjsDir)) {
      t.skip(`skipped: ${mkjsDir} is absent (the article's MK.js, only on development and CI machines)`);
      return;
    }
    const opened = await openPage(browser, `${server.url}mk.html`);
    try {
      await opened.page.waitForFunction(
        () =>
          window.kombatPage.log.some(
            (e) => e.fired === 'onPunch' && e.moveBefore !== 'high-punch' && e.move === 'high-punch',
          ),
        null,
        { timeout: 30_000 },
      );
      assert.deepEqual(opened.errors, []);
    } finally {
      await opened.close();
    }
  });
});
