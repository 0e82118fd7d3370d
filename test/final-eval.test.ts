// Threshold choice, provenance matching and weight-format variants of the final models.

import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../src/backend';
import { DEFAULT_CONFIG, readConfig, runHyperparams, updateConfig } from '../src/config';
import { ARTICLE_THRESHOLDS } from '../src/decision';
import { actionMetrics, actionsOf, thresholdSweep } from '../src/eval/evaluate';
import { binaryThresholdSweep, chooseBinaryThreshold, chooseThresholds, thresholdRange } from '../src/eval/thresholds';
import type { ClassifierMetadata } from '../src/export/metadata';
import { saveModel } from '../src/export/model-io';
import { findReusable, provenanceMismatch } from '../src/export/provenance';
import { chooseFormat, exportVariants, formatRule, shipVariant } from '../src/export/weight-formats';
import type { SplitFeatures } from '../src/features/sets';
import { ARTICLE_FEATURES } from '../src/features/spec';
import { FULL, SMOKE } from '../src/settings';
import { buildHead } from '../src/train/head';
import { tempDir } from './helpers';

test('thresholds: ranges, binary rule, and the precision >= recall choice', () => {
  assert.deepEqual(thresholdRange(0.3, 0.5, 0.05), [0.3, 0.35, 0.4, 0.45, 0.5]);
  // Binary: outputs for punch, punch, kick, other.
  const labels = ['punch', 'punch', 'kick', 'other'];
  const out = Float32Array.from([0.9, 0.45, 0.5, 0.1]);
  const m = actionMetrics({ task: 'binary', thresholds: { punch: 0.4 } }, out, labels);
  assert.deepEqual(m.confusionMatrix, [
    [2, 0],
    [1, 1],
  ]);
  const sweep = binaryThresholdSweep(out, labels, [0.4, 0.6, 0.95]);
  // 0.4: P 2/3 R 1 (precision < recall); 0.6: P 1 R 0.5 (ok); 0.95: nothing fires (precision 0: not allowed).
  const choice = chooseBinaryThreshold(sweep);
  assert.equal(choice.point.threshold, 0.6);
  assert.equal(choice.constrained, true);
  // 3-way: rows punch, kick, other, other; one kick-ish "other" frame (kick 0.5, other 0.45).
  const ternary = Float32Array.from([0.8, 0.1, 0.1, 0.1, 0.7, 0.2, 0.05, 0.5, 0.45, 0.34, 0.33, 0.33]);
  const labels3 = ['punch', 'kick', 'other', 'other'];
  const points = thresholdSweep(ternary, labels3, { other: [0.4, 0.5], action: [0.4, 0.5, 0.6] });
  const best = chooseThresholds(points);
  assert.equal(best.constrained, true);
  assert.equal(best.point.actionF1, 1);
  // Both vetoes stop the "other" frame at 0.4 (0.45 >= 0.4) and only 0.4 does: 0.5 lets its kick through
  // unless the action threshold is above 0.5. Ties go to the higher action threshold, then the lower veto.
  assert.deepEqual({ other: best.point.other, action: best.point.action }, { other: 0.4, action: 0.6 });
  assert.ok(
    points.some((p) => p.other === 0.5 && p.action === 0.5 && p.actionF1 < 1),
    'veto 0.5, action 0.5 kicks',
  );
  assert.deepEqual(actionsOf({ task: 'ternary', thresholds: { other: 0.4, action: 0.35 } }, ternary), [
    'punch',
    'kick',
    'none',
    'none',
  ]);
  assert.deepEqual(actionsOf({ task: 'binary', thresholds: { punch: 0.5 } }, out), ['punch', 'none', 'punch', 'none']);
});

test("config.json thresholds: per model, the article's where absent, the earlier rule's refused", async () => {
  const dir = tempDir();
  const file = path.join(dir, 'config.json');
  assert.deepEqual((await readConfig(file)).thresholds, ARTICLE_THRESHOLDS);
  await updateConfig({ thresholds: { ternary: { other: 0.5, action: 0.45 }, binary: { punch: 0.6 } } }, file);
  assert.deepEqual((await readConfig(file)).thresholds.ternary, { other: 0.5, action: 0.45 });
  await fs.writeFile(file, JSON.stringify({ thresholds: { binary: { punch: 0.6 } } }));
  assert.deepEqual((await readConfig(file)).thresholds, {
    ternary: ARTICLE_THRESHOLDS.ternary,
    binary: { punch: 0.6 },
  });
  await fs.writeFile(file, JSON.stringify({ thresholds: { any: 0.45, action: 0.45 } }));
  await assert.rejects(
    readConfig(file),
    /config\.json: "thresholds" .* belong to an earlier decision rule.*remove them/,
  );
  await fs.writeFile(file, JSON.stringify({ thresholds: { ternary: { other: 'high', action: 0.4 } } }));
  await assert.rejects(readConfig(file), /config\.json: ternary: "thresholds\.other" must be a number from 0 to 1/);
  await fs.writeFile(file, JSON.stringify({ thresholds: { ternery: {} } }));
  await assert.rejects(readConfig(file), /must be \{"ternary": .*\(unknown: ternery\)/);
});

test('provenance: data hash, features and hyper-parameters must all match', () => {
  const hp = DEFAULT_CONFIG.hyperparams.ternary;
  const meta = { trainingDataHash: 'h', features: { ...ARTICLE_FEATURES, featureSize: 768 }, hyperparams: hp };
  assert.deepEqual(
    provenanceMismatch(meta, { trainingDataHash: 'h', features: { ...ARTICLE_FEATURES }, hyperparams: { ...hp } }),
    [],
  );
  assert.equal(
    provenanceMismatch(meta, { trainingDataHash: 'x', features: ARTICLE_FEATURES, hyperparams: hp }).length,
    1,
  );
  assert.match(
    provenanceMismatch(meta, {
      trainingDataHash: 'h',
      features: { ...ARTICLE_FEATURES, fit: 'letterbox' },
      hyperparams: hp,
    })[0],
    /features/,
  );
  assert.match(
    provenanceMismatch(meta, { trainingDataHash: 'h', features: ARTICLE_FEATURES, hyperparams: { ...hp, seed: 2 } })[0],
    /hyper-parameters/,
  );
  assert.equal(runHyperparams(DEFAULT_CONFIG, SMOKE).ternary.maxEpochs, 2);
  assert.deepEqual(runHyperparams(DEFAULT_CONFIG, FULL), DEFAULT_CONFIG.hyperparams);
});

test('variants: every format reloaded and measured; shipping copies the measured folder', async () => {
  await initBackend();
  const dir = tempDir();
  const d = 8;
  const model = buildHead({ inputSize: d, hidden: 16, classes: 3, dropout: 0, seed: 4 });
  const set = (n: number, seed: number) => ({
    x: Float32Array.from({ length: n * d }, (_, i) => Math.sin(i * 0.7 + seed)),
    featureSize: d,
    y: Int32Array.from({ length: n }, (_, i) => i % 3),
    classes: ['punch', 'kick', 'other'],
  });
  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      file: `f${i}.jpg`,
      label: ['punch', 'kick', 'other'][i % 3],
      subject: 's',
      sha256: String(i),
      split: 'test' as const,
      augmented: false,
    }));
  const data = {
    train: set(6, 1),
    val: set(6, 2),
    test: set(9, 3),
    rows: { train: rows(6), val: rows(6), test: rows(9) },
  } as SplitFeatures;
  const metadata = {
    name: 'kombat-ternary',
    task: 'ternary',
    classes: ['punch', 'kick', 'other'],
    features: { ...ARTICLE_FEATURES, featureSize: d },
    preprocessing: '',
    thresholds: { other: 0.4, action: 0.35 },
    weights: 'float32',
    trainingDataHash: 'h',
    hyperparams: DEFAULT_CONFIG.hyperparams.ternary,
    epochs: { trained: 1, best: 1, stoppedBy: 'max-epochs' },
    metrics: {},
    environment: {},
  } as unknown as ClassifierMetadata;
  const results = await exportVariants(model, metadata, data, path.join(dir, 'scratch'));
  assert.deepEqual(
    results.map((r) => r.format),
    ['float32', 'uint16', 'uint8'],
  );
  assert.equal(results[0].maxAbsDiff, 0);
  assert.equal(results[0].classAgreement, 1);
  assert.ok(
    results[1].weightBytes * 2 === results[0].weightBytes && results[2].weightBytes * 4 === results[0].weightBytes,
  );
  assert.ok(results[1].maxAbsDiff < 1e-3);
  // The choice: the smallest identical one; a disagreeing variant is never shipped.
  assert.equal(
    chooseFormat(results.map((r) => ({ ...r, classAgreement: r.format === 'float32' ? 1 : 0.99 }))).format,
    'float32',
  );
  assert.equal(
    chooseFormat(results.map((r) => (r.format === 'uint8' ? { ...r, maxAbsDiff: 0.05 } : r))).format,
    'uint16',
  );
  // A looser tolerance (chapter 08's knob) lets that uint8 ship, and the rule in words says so.
  assert.equal(
    chooseFormat(
      results.map((r) => (r.format === 'uint8' ? { ...r, maxAbsDiff: 0.05 } : r)),
      0.1,
    ).format,
    'uint8',
  );
  assert.match(formatRule(0.1), /no probability more than 0\.1 away from float32/);
  const target = path.join(dir, 'models', 'kombat-ternary');
  const shipped = await shipVariant(results[1], target);
  assert.equal(shipped.weights, 'uint16');
  assert.deepEqual(
    await fs.readFile(path.join(target, 'weights.bin')),
    await fs.readFile(path.join(results[1].dir, 'weights.bin')),
  );
  // A quantised final folder is not a master copy; the float32 scratch copy is, when it matches.
  const want = { trainingDataHash: 'h', features: ARTICLE_FEATURES, hyperparams: DEFAULT_CONFIG.hyperparams.ternary };
  const lines: string[] = [];
  const found = await findReusable([target, results[0].dir], want, (l) => lines.push(l));
  assert.equal(found?.dir, results[0].dir);
  assert.match(lines[0], /uint16 weights, not a float32 master/);
  await saveModel(model, target, { ...metadata, trainingDataHash: 'other' });
  assert.equal(await findReusable([target], want, (l) => lines.push(l)), undefined);
  assert.match(lines.at(-1) ?? '', /training data changed/);
});
