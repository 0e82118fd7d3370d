// The typed results contract end to end: every chapter's results produced by the real chapter
// functions (layer study, article vs corrected runs, sweep, final models and thresholds, export, playing) on
// a tiny dataset, written, read back, and rendered into the results page, every section present.
// A results field renamed in a producer but not in the page fails to compile; a file of another
// format is refused by name. Folders and MobileNet are set before the settings are first read.
import * as assert from 'node:assert/strict';
import { promises as fs, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { needsMoveNet, shapesDataset, sharedMobileNet, sharedMoveNet, tempDir } from './helpers';

const root = tempDir('kombat-results-');
Object.assign(process.env, {
  KOMBAT_SMOKE: '1',
  KOMBAT_DATA_DIR: path.join(root, 'data'),
  KOMBAT_REPORTS_DIR: path.join(root, 'reports'),
  KOMBAT_MODELS_DIR: path.join(root, 'models'),
  MOBILENET_URL: sharedMobileNet,
  MOVENET_URL: sharedMoveNet,
});

test('results of every chapter, from the chapter functions, render every section of the page', {
  skip: needsMoveNet,
}, async () => {
  const k = await import('../src');
  const environment = await k.initBackend();
  const started = performance.now();
  const data = path.join(root, 'data', 'shapes');
  await shapesDataset(data);
  writeFileSync(path.join(data, 'split.json'), JSON.stringify({ seed: 1, train: ['s1'], val: ['s2'], test: ['s3'] }));
  const augmented = k.defaultAugmentedDir(data);
  await k.augmentDataset({ data, out: augmented, variants: 2, seed: 1 });
  const features: import('../src').FeatureSpec = { ...k.ARTICLE_FEATURES, inputSize: [64, 64], fit: 'letterbox' };
  await k.updateConfig({ features });
  const small = (hp: import('../src').Hyperparams) => ({ ...hp, hidden: 16, maxEpochs: 2, batchSize: 8 });
  const examples = await k.loadExamples(data, augmented);

  // 03: two layers at one input size, the rule, the results.
  const originals = await k.loadExamples(data);
  const study = await k.layerStudy({
    examples: originals,
    inputs: [{ inputSize: [64, 64], fit: 'letterbox' }],
    layers: ['conv_pw_13_relu', 'global_average_pooling2d_1'],
    task: 'ternary',
    hyperparams: small(k.CORRECTED.ternary),
    latencyImage: await k.readImage(originals.examples[0].file),
    latency: { reps: 1, warmup: 0 },
  });
  const choice = k.chooseFeatures(study.rows);
  const layerChoice = k.layerChoiceResults({
    environment,
    started,
    task: 'ternary',
    study,
    choice,
    inputs: [{ inputSize: [64, 64], fit: 'letterbox' }],
    layers: ['conv_pw_13_relu', 'global_average_pooling2d_1'],
    hyperparams: small(k.CORRECTED.ternary),
    latency: { frame: 'x.png', reps: 1, warmup: 0 },
  });

  // 04 and 05: the article's set-up against the corrected one.
  const comparison = async (task: 'binary' | 'ternary') => {
    const article = await k.trainRun({
      task,
      features,
      examples,
      hyperparams: k.articleHyperparams(task, 30, { maxEpochs: 2 }),
    });
    const corrected = await k.trainRun({ task, features, examples, hyperparams: small(k.CORRECTED[task]) });
    const runs = [
      k.setupRun(k.runSummary('article', article), 'originals + augmented', 2),
      k.setupRun(k.runSummary('corrected', corrected), 'originals + augmented'),
    ];
    for (const r of [article, corrected]) r.model.dispose();
    return k.setupComparison({
      chapter: task === 'binary' ? '04-binary' : '05-ternary',
      environment,
      started,
      task,
      features,
      articleEpochs: 2,
      note: 'tiny',
      runs,
    });
  };
  const binary = await comparison('binary');
  const ternary = await comparison('ternary');

  // 06: a sweep on cached features, the seed check, the transfer to binary, saved to the config.
  const sweepData = await k.loadSweepData({ task: 'ternary', features, data });
  const sweep = await k.runSweep(sweepData, {
    task: 'ternary',
    space: k.profileSpace(k.SMOKE),
    trials: 2,
    ...k.sweepSettings(k.SMOKE),
  });
  const seedCheck = await k.seedCheck(sweepData, sweep, { top: 1, seeds: [2] });
  const chosen = k.chooseAfterSeedCheck(sweep, seedCheck);
  const saved = await k.saveBestHyperparams(chosen, { alsoFor: ['binary'] });
  const sweepResults = k.sweepResults({
    environment,
    started,
    features,
    data: sweepData,
    sweep,
    seedCheck,
    chosen,
    binaryCheck: await k.transferCheck(sweepData, chosen.hyperparams, 'binary'),
    saved: saved.hyperparams,
    csv: await k.writeSweepCsv(sweep),
  });

  // 07: the final models, the thresholds, the export.
  const config = await k.readConfig();
  const hyperparams = k.runHyperparams(config);
  const runs = {
    ternary: await k.trainRun({ task: 'ternary', features, examples, hyperparams: hyperparams.ternary }),
    binary: await k.trainRun({ task: 'binary', features, examples, hyperparams: hyperparams.binary }),
  };
  const thresholds = k.thresholdStudy(runs);
  // A coarser grid (chapter 07's knob) is the one the results record.
  const coarse = { other: [0.4, 0.6], action: [0.35, 0.5] };
  assert.deepEqual(k.thresholdStudy(runs, coarse).sweep.length, 4);
  await k.updateConfig({ thresholds: thresholds.chosen });
  const exported = {} as Record<'binary' | 'ternary', { dir: string; weightBytes: number }>;
  for (const run of [runs.ternary, runs.binary]) {
    const dir = k.wholeFrameModelDir(run.task);
    const weightBytes = await k.exportClassifier(run, dir, k.wholeFrameModelName(run.task), thresholds.chosen);
    exported[run.task] = { dir, weightBytes };
  }
  const evaluation = k.evaluationResults({ environment, started, runs, study: thresholds, exported });

  // 08: the masters reused (their provenance matches), every format measured, one shipped, reloaded.
  const masters = await k.finalMasters({ config: await k.readConfig(), hyperparams, examples });
  assert.equal(masters.ternary.trained, false, "chapter 07's export is reused");
  const shipped = {
    binary: await k.shipFinalModel('binary', masters.binary),
    ternary: await k.shipFinalModel('ternary', masters.ternary),
  };
  const reload = {
    binary: await k.reloadCheck('binary', masters.binary, shipped.binary.variants[0], { frames: 2 }),
    ternary: await k.reloadCheck('ternary', masters.ternary, shipped.ternary.variants[0]),
  };
  assert.equal(reload.binary.endToEnd.images, 2);
  const exportResults = k.exportResults({ environment, started, config, examples, masters, shipped, reload });

  // 09: two methods (whole frame and pose) trained and scored on the shapes, without real frames.
  const methods = k.candidateMethods(await k.readConfig()).filter((m) => m.id === 'whole-frame' || m.id === 'pose');
  const test = examples.examples.filter((e) => e.split === 'test' && !e.augmented);
  const frames = {
    files: test.map((e) => e.file),
    punch: Int32Array.from(test, (e) => (e.label === 'punch' ? 1 : 0)),
  };
  const rows = [];
  for (const m of methods) {
    const run = await k.trainMethod(m, m.task, examples, config, {
      hyperparams: small(k.methodHyperparams(m, m.task, config)),
    });
    const framed = await k.scoreFramings(run, frames, k.FRAMED_TEST);
    rows.push(k.methodRow(m, run, { webcam: await k.scoreFrames(run, frames), framed, round: 1 }));
    run.model.dispose();
  }
  const real = k.syntheticToRealResults({
    environment,
    started,
    rule: k.SELECTION_RULE,
    realFrames: null,
    webcam: { dir: 'shapes', counts: {}, recordings: 0 },
    keypoints: { onePassMeanScore: 0, twoPassMeanScore: 0 },
    methods: rows,
    secondRound: { methods: [], framing: k.WEBCAM_FRAMING, framedTest: k.FRAMED_TEST },
    choice: { id: 'whole-frame', by: 'default' },
    exported: {},
    diagnosis: { visibility: {}, predictions: {}, foreshortened: {}, strikes: null },
  });

  for (const task of k.TASKS) await fs.cp(k.wholeFrameModelDir(task), k.finalModelDir(task), { recursive: true });
  // 10: the default models (here chapter 08's whole-frame ones, as chapter 09 leaves them without real
  // frames and with whole frame its choice) over a clip made of the test person's frames (other, punch,
  // other, kick, other),
  // ten a second, with label ranges to match.
  const order = ['other', 'punch', 'other', 'kick', 'other'];
  const files = order.flatMap((label, n) =>
    [0, 1].map((i) => path.join(data, label, `s3_c1_${String((n + i) % 4).padStart(5, '0')}.png`)),
  );
  const ranges = order.map((label, n) => ({
    start: n * 0.2,
    end: (n + 1) * 0.2,
    label: label as import('../src').RangeLabel,
    line: n + 2,
  }));
  const clip = {
    recording: { video: 's3_c1.avi', labels: 's3_c1.labels.csv', subject: 's3', clip: 'c1' },
    ranges,
    files,
    times: files.map((_, i) => i / k.PLAY_FPS),
  };
  const playing = k.playingResults({
    environment,
    started,
    study: { subjects: ['s3'], clips: [clip], models: await k.playExportedModels([clip]) },
  });
  assert.equal(playing.models.ternary.played.chosen.score.strikes.all.strikes, 2);
  assert.equal(playing.models.ternary.played.chosen.score.frames, 10);
  assert.deepEqual(playing.models.binary.played.chosen.rule.thresholds, thresholds.chosen.binary);

  for (const results of [layerChoice, binary, ternary, sweepResults, evaluation, exportResults, playing, real])
    await k.writeResults(results);
  const read = await k.readResults();
  assert.deepEqual(Object.keys(read), [
    '03-layer-choice',
    '04-binary',
    '05-ternary',
    '06-sweeps',
    '07-evaluation',
    '08-export',
    '09-synthetic-to-real',
    '10-playing',
  ]);
  assert.deepEqual(read['07-evaluation']?.thresholds.chosen, thresholds.chosen);
  assert.deepEqual(read['07-evaluation']?.thresholds.grid, { ...k.THRESHOLD_GRID, binary: k.BINARY_GRID });
  assert.equal(read['08-export']?.rule, k.formatRule(k.MAX_PROBABILITY_CHANGE));

  const page = await k.writeResultsPage();
  assert.deepEqual(page.sections, [
    'Layer choice',
    'Article vs corrected',
    'Hyper-parameter sweep',
    'Final models on the test split',
    'Game thresholds',
    'Exported models',
    'Synthetic to real',
    'Playing',
    'Environment',
    'Timings',
  ]);
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const final = evaluation.models.ternary;
  assert.ok(
    page.markdown.includes(
      `| 3-way | final (chapter 07) | ${pct(final.accuracy.train)} | ${pct(final.accuracy.val)} |`,
    ),
  );
  assert.ok(page.markdown.includes(`| binary | corrected (${binary.runs[1].epochs} epochs) |`));
  const chosen3 = thresholds.chosen.ternary;
  assert.ok(page.markdown.includes(`**3-way: other ${chosen3.other}, action ${chosen3.action}**`));
  assert.ok(page.markdown.includes(`**binary: punch ${thresholds.chosen.binary.punch}**`));
  assert.ok(page.markdown.includes('| 3-way | chosen (other '), 'the playing table');
  assert.ok(page.markdown.includes(`Chosen (trial ${sweepResults.chosen.trial})`));
  assert.ok(page.markdown.includes(`| **whole-frame** (chosen) | ${pct(rows[0].synthetic.test)} |`));
  assert.ok(page.markdown.includes('| pose |'), 'the pose method in the table');
  for (const chapter of k.CHAPTERS) assert.ok(page.markdown.includes(`| ${chapter} |`), `${chapter} in the timings`);

  // A file written by another version of the results types is refused, naming it and the chapter to re-run.
  writeFileSync(k.resultsFile('04-binary'), JSON.stringify({ chapter: '04-binary', format: 1, runs: [] }));
  await assert.rejects(k.readResults(), /04-binary\.json: written by another version .* re-run chapter 04-binary/);
});
