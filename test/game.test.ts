// The game's parts that need no browser: the fight engine and its moves from the body model, the
// controller contract, the frame geometry, the model wrapper's use of the library's decision rule,
// the inference loop's scheduling, and the exported-model loader the page shares with Node.

import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { decide, decideBinary } from '../src/decision';
import { actionsOf } from '../src/eval/evaluate';
import { loadHead } from '../src/export/load';
import { type ClassifierMetadata, checkMetadata } from '../src/export/metadata';
import { localFolder } from '../src/export/model-io';
import { parseFrameFeatures } from '../src/features/kinds';
import { type Detect, fire } from '../src/game/controller';
import { ARENA, ATTACKS, Fight, FULL_LIFE, Opponent, ROUND_BREAK } from '../src/game/fight';
import { articleCropRect, captureSize, greyscale, rgbOf } from '../src/game/frame';
import { InferenceLoop } from '../src/game/loop';
import { loadGameModel, probabilitiesOf, type Verdict } from '../src/game/model';
import { fighterMoves, MOVE_KINDS } from '../src/game/moves';
import { folderHandler } from '../src/mobilenet/io';
import { settings } from '../src/settings';
import { mulberry32 } from '../src/util/random';
import { needsMoveNet, needsShared, sharedMobileNet, sharedMoveNet, tempDir } from './helpers';

const DT = 1 / 60;

function newFight(): Fight {
  return new Fight(['YOU', 'CPU'], [fighterMoves(1), fighterMoves(2)]);
}

/** Runs the fight for `seconds` (or until `until` holds). */
function run(fight: Fight, seconds: number, each?: () => void, until?: () => boolean): void {
  for (let t = 0; t < seconds && !until?.(); t += DT) {
    each?.();
    fight.step(DT);
  }
}

describe('moves from the body model', () => {
  it('every move has a length; punch and kick have a strike window inside it', () => {
    const moves = fighterMoves(1);
    for (const kind of MOVE_KINDS) assert.ok(moves[kind].duration > 0, kind);
    for (const kind of ['punch', 'kick'] as const) {
      const { strike, duration } = moves[kind];
      assert.ok(strike && strike.from > 0 && strike.to > strike.from && strike.to < duration, kind);
    }
    assert.equal(moves.stand.strike, undefined);
    assert.ok(moves.punch.duration < 1, 'a game punch should take under a second');
  });
});

describe('the fight', () => {
  it('a punch in reach lands once, during its strike phase, for its damage', () => {
    const fight = newFight();
    fight.fighters[1].x = fight.fighters[0].x + ATTACKS.punch.reach - 0.1;
    assert.ok(fight.attack(0, 'punch'));
    const strike = fight.fighters[0].moves.punch.strike;
    assert.ok(strike);
    run(fight, strike.from - 2 * DT);
    assert.equal(fight.fighters[1].life, FULL_LIFE, 'hit before the strike phase');
    run(fight, fight.fighters[0].moves.punch.duration);
    assert.equal(fight.fighters[1].life, FULL_LIFE - ATTACKS.punch.damage);
    assert.deepEqual(fight.hits, [{ attacker: 0, attack: 'punch', damage: ATTACKS.punch.damage }]);
    assert.equal(fight.fighters[0].move, 'stand', 'the punch ends');
  });

  it('out of reach nothing lands; a busy fighter cannot start another strike', () => {
    const fight = newFight();
    assert.ok(fight.gap > ATTACKS.kick.reach);
    assert.ok(fight.attack(0, 'kick'));
    assert.equal(fight.attack(0, 'punch'), false);
    run(fight, 2);
    assert.equal(fight.fighters[1].life, FULL_LIFE);
  });

  it('walking stops at the opponent and at the arena edge; stand() stops walking', () => {
    const fight = newFight();
    fight.walk(0, 1);
    run(fight, 3);
    assert.ok(Math.abs(fight.gap - ARENA.minGap) < 1e-9);
    fight.walk(0, -1);
    run(fight, 5);
    assert.equal(fight.fighters[0].x, -ARENA.halfWidth);
    fight.stand(0);
    const x = fight.fighters[0].x;
    fight.walk(1, 0);
    run(fight, 1);
    assert.equal(fight.fighters[0].x, x);
  });

  it('a knock-out ends the round with a winner; the next round starts by itself', () => {
    const fight = newFight();
    const closeInAndKick = () => (fight.gap > ATTACKS.kick.reach - 0.1 ? fight.walk(0, 1) : fight.attack(0, 'kick'));
    run(fight, 30, closeInAndKick, () => fight.phase === 'over');
    assert.equal(fight.phase, 'over');
    assert.equal(fight.winner, 0);
    assert.deepEqual(fight.wins, [1, 0]);
    assert.equal(fight.fighters[1].life, 0);
    assert.equal(fight.fighters[1].move, 'down');
    assert.equal(fight.attack(0, 'punch'), false, 'no strikes between rounds');
    run(fight, ROUND_BREAK + DT);
    assert.equal(fight.phase, 'fighting');
    assert.equal(fight.round, 2);
    assert.deepEqual(
      fight.fighters.map((f) => f.life),
      [FULL_LIFE, FULL_LIFE],
    );
  });

  it('the computer closes in and fights a player who only stands', () => {
    const fight = newFight();
    const cpu = new Opponent(mulberry32(3));
    run(fight, 30, () => cpu.update(fight, DT));
    assert.ok(fight.hits.length > 3, `${fight.hits.length} hits in 30 s`);
    assert.ok(fight.hits.every((h) => h.attacker === 1));
  });
});

describe('the controller contract', () => {
  it('punch calls onPunch, kick onKick, none calls nothing', () => {
    const calls: string[] = [];
    const detect: Detect = {
      onPunch: () => calls.push('punch'),
      onKick: () => calls.push('kick'),
      onStand: () => calls.push('stand'),
    };
    assert.equal(fire(detect, 'punch'), 'onPunch');
    assert.equal(fire(detect, 'kick'), 'onKick');
    assert.equal(fire(detect, 'none'), undefined);
    assert.equal(fire(undefined, 'punch'), undefined);
    assert.deepEqual(calls, ['punch', 'kick']);
  });
});

describe('frames', () => {
  it("the article's crop is the top of the frame at 16:9", () => {
    assert.deepEqual(articleCropRect(640, 480), { sx: 0, sy: 0, sw: 640, sh: 358 });
    assert.deepEqual(articleCropRect(1280, 720), { sx: 0, sy: 0, sw: 1280, sh: 717 });
    assert.deepEqual(articleCropRect(100, 40), { sx: 0, sy: 0, sw: 100, sh: 40 });
  });

  it('capture size only scales down; RGBA to RGB; greyscale is the mean of R, G, B', () => {
    assert.deepEqual(captureSize(1280, 720, 640), { width: 640, height: 360 });
    assert.deepEqual(captureSize(320, 180, 640), { width: 320, height: 180 });
    const frame = rgbOf(new Uint8Array([10, 20, 60, 255, 0, 0, 3, 0]), 2, 1);
    assert.deepEqual([...frame.rgb], [10, 20, 60, 0, 0, 3]);
    assert.deepEqual([...greyscale(frame).rgb], [30, 30, 30, 1, 1, 1]);
    assert.throws(() => rgbOf(new Uint8Array(7), 2, 1), /7 bytes, expected 2x1x4/);
  });
});

const ternary = {
  task: 'ternary',
  classes: ['punch', 'kick', 'other'],
  thresholds: { other: 0.4, action: 0.35 },
} as unknown as ClassifierMetadata;

describe('the model wrapper', () => {
  it('the probabilities it names are the ones the decision rule reads, whatever the thresholds', () => {
    const rng = mulberry32(5);
    for (let i = 0; i < 500; i++) {
      const [a, b] = [rng(), rng()];
      const outputs = Float32Array.of(Math.min(a, b), Math.abs(a - b), 1 - Math.max(a, b));
      const thresholds = { other: rng(), action: rng() };
      const p = probabilitiesOf(ternary, outputs);
      assert.equal(
        actionsOf({ task: 'ternary', thresholds }, outputs)[0],
        decide({ punch: p.punch, kick: p.kick, other: p.other }, thresholds),
      );
      const binary = { ...ternary, task: 'binary', classes: ['not-punch', 'punch'] } as ClassifierMetadata;
      const one = Float32Array.of(a);
      const punch = { punch: thresholds.other };
      assert.equal(
        actionsOf({ task: 'binary', thresholds: punch }, one)[0],
        decideBinary(probabilitiesOf(binary, one).punch, punch),
      );
    }
  });

  it('names the outputs by the metadata: three classes, or punch and 1 - punch', () => {
    assert.deepEqual(probabilitiesOf(ternary, [0.1, 0.2, 0.7]), { punch: 0.1, kick: 0.2, other: 0.7 });
    const binary = { ...ternary, task: 'binary', classes: ['not-punch', 'punch'] } as ClassifierMetadata;
    assert.deepEqual(probabilitiesOf(binary, [0.25]), { 'not-punch': 0.75, punch: 0.25 });
  });
});

describe('the inference loop', () => {
  it('never runs two predictions at once: ticks that find one running are counted late', async () => {
    let running = 0;
    let most = 0;
    const slow = {
      async classify(): Promise<Verdict> {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 35));
        running--;
        return { probabilities: { punch: 0.9, kick: 0.05, other: 0.05 }, action: 'punch' };
      },
    };
    const fired: string[] = [];
    const loop = new InferenceLoop({
      grab: () => ({ rgb: new Uint8Array(3), width: 1, height: 1 }),
      model: () => slow,
      controller: () => ({ onPunch: () => fired.push('punch'), onKick: () => {}, onStand: () => {} }),
      intervalMs: 10,
    });
    loop.start();
    // Until five predictions are done (about 200 ms idle; a loaded machine's timers run late).
    for (let waited = 0; loop.stats.predictions < 5 && waited < 20_000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    loop.stop();
    await loop.idle();
    assert.equal(most, 1);
    assert.ok(loop.stats.late > 0, 'no tick found the model busy');
    assert.ok(loop.stats.predictions >= 5);
    assert.equal(loop.stats.inTime, 0, 'a 35 ms prediction is late on a 10 ms tick');
    assert.equal(fired.length, loop.stats.predictions);
  });

  it('fires at once by default; with a hold, once the same action has come that many times in a row', async () => {
    const actions: Verdict['action'][] = ['punch', 'punch', 'none', 'kick', 'kick', 'kick', 'punch'];
    const play = async (hold?: number) => {
      let k = 0;
      const model = {
        classify: async (): Promise<Verdict> => ({ probabilities: {}, action: actions[k++] }),
      };
      const loop = new InferenceLoop({
        grab: () => ({ rgb: new Uint8Array(3), width: 1, height: 1 }),
        model: () => model,
        controller: () => ({ onPunch: () => {}, onKick: () => {}, onStand: () => {} }),
        ...(hold ? { hold: () => hold } : {}),
      });
      const fired: (string | undefined)[] = [];
      for (const _ of actions) fired.push((await loop.tick())?.fired);
      return fired;
    };
    assert.deepEqual(await play(), ['onPunch', 'onPunch', undefined, 'onKick', 'onKick', 'onKick', 'onPunch']);
    assert.deepEqual(await play(2), [undefined, 'onPunch', undefined, undefined, 'onKick', 'onKick', undefined]);
  });

  it('does nothing without a frame or a model', async () => {
    const loop = new InferenceLoop({ grab: () => undefined, model: () => undefined, controller: () => undefined });
    assert.equal(await loop.tick(), undefined);
    assert.equal(loop.stats.ticks, 0);
  });
});

describe('exported models, as the page loads them', () => {
  const exported = path.join(settings().modelsDir, 'kombat-ternary');

  it('metadata problems name the file and the field', () => {
    const good = {
      ...ternary,
      features: { alpha: 0.75, inputSize: [224, 224], layer: 'conv_pw_12_relu', fit: 'stretch', featureSize: 768 },
    };
    assert.equal(checkMetadata(good, 'm.json').task, 'ternary');
    const bad: [object, RegExp][] = [
      [{ ...good, task: 'four-way' }, /m\.json: "task" is "four-way", expected one of binary, ternary/],
      [
        { ...good, classes: ['punch', 'other'] },
        /"classes" are \[punch, kick, other\] in this order, got \["punch","other"\]/,
      ],
      [{ ...good, classes: ['kick', 'punch', 'other'] }, /"classes" are \[punch, kick, other\] in this order/],
      [{ ...good, task: 'binary', classes: ['punch', 'not-punch'] }, /\[not-punch, punch\]/],
      [{ ...good, features: undefined }, /missing "features"/],
      [
        { ...good, features: { ...good.features, kind: 'sonar' } },
        /m\.json: features\.kind: "sonar" is not one of "mobilenet", "mobilenet-crop", "pose", "combined"/,
      ],
      [{ ...good, features: { ...good.features, alpha: 0.6 } }, /features\.alpha: 0\.6 is not one of/],
      [{ ...good, thresholds: { other: 'high', action: 0.4 } }, /m\.json: "thresholds\.other" must be a number/],
      [{ ...good, thresholds: { any: 0.4, action: 0.35 } }, /m\.json: .* belong to an earlier decision rule/],
    ];
    for (const [value, message] of bad) assert.throws(() => checkMetadata(value, 'm.json'), message);
    assert.equal(parseFrameFeatures(good.features).kind, 'mobilenet', 'metadata without a kind: whole-frame MobileNet');
  });

  it('a declared size that disagrees with the declared features is refused', { skip: needsShared }, async () => {
    await initBackend();
    const dir = tempDir();
    await fs.cp(exported, dir, { recursive: true });
    const metadata = JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8'));
    const reads = metadata.features.featureSize;
    metadata.features.featureSize = 1024;
    await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify(metadata));
    await assert.rejects(
      loadHead(localFolder(dir)),
      new RegExp(`features\\.featureSize: 1024 declared, but .* gives ${reads} values`),
    );
    await fs.rm(path.join(dir, 'metadata.json'));
    await assert.rejects(loadHead(localFolder(dir)), /metadata\.json is missing: .* is not an exported kombat model/);
  });

  it('loads with the encoder its metadata names and classifies a frame, disposing every tensor', {
    skip: needsMoveNet,
  }, async () => {
    await initBackend();
    const source = { kind: 'explicit' as const, location: sharedMobileNet };
    const model = await loadGameModel(localFolder(exported), {
      mobilenet: () => ({ handler: folderHandler(sharedMobileNet), source }),
      movenet: () => ({ handler: folderHandler(sharedMoveNet), location: sharedMoveNet }),
    });
    try {
      const frame = { rgb: new Uint8Array(64 * 48 * 3).fill(128), width: 64, height: 48 };
      await model.classify(frame);
      const before = tf.memory().numTensors;
      const verdict = await model.classify(frame);
      assert.equal(tf.memory().numTensors, before);
      const total = Object.values(verdict.probabilities).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 1) < 1e-5);
      const outputs = Float32Array.from(model.metadata.classes, (c) => verdict.probabilities[c]);
      assert.equal(verdict.action, actionsOf(model.metadata, outputs)[0]);
    } finally {
      model.dispose();
    }
  });
});
