// The experiment commands end to end on a tiny generated dataset (3 subjects x 3 classes x 4
// images of distinct shapes, 96x54), MobileNet at 64x64: features, train, evaluate, export; the bad
// inputs; Ctrl-C during training. Each command runs as `node --import tsx src/cli/main.ts` in a
// child process, with the feature cache in a temporary folder.

import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { needsShared, shapesDataset, sharedMobileNet, tempDir } from './helpers';

const MAIN = path.join(__dirname, '..', 'src', 'cli', 'main.ts');
const root = tempDir('kombat-cli-');
const data = path.join(root, 'shapes');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  KOMBAT_DATA_DIR: path.join(root, 'data'),
  MOBILENET_URL: sharedMobileNet,
};
delete env.KOMBAT_SMOKE;
/** Trainings started in the background: a failed assertion must not leave them running. */
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function kombat(...args: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeConfig(name: string, hyperparams: object): string {
  const file = path.join(root, name);
  writeFileSync(
    file,
    JSON.stringify({
      features: { inputSize: [64, 64], fit: 'letterbox' },
      hyperparams: { ternary: hyperparams, binary: hyperparams },
    }),
  );
  return file;
}

// Only where MobileNet is (the tests that use it skip otherwise, and the folder goes when they end).
const ready = needsShared ? Promise.resolve() : shapesDataset(data);
const config = writeConfig('config.json', {
  hidden: 16,
  learningRate: 0.01,
  batchSize: 8,
  maxEpochs: 6,
  patience: 3,
  seed: 7,
});
const longConfig = writeConfig('long.json', {
  hidden: 16,
  learningRate: 0.001,
  batchSize: 2,
  maxEpochs: 100000,
  patience: 0,
});

const modelFiles = ['metadata.json', 'model.json', 'weights.bin'];

/** Every file's path and bytes under `dir`, hashed: equal hashes, an unchanged folder. */
function folderHash(dir: string): string {
  const hash = createHash('sha256');
  for (const f of (readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const file = path.join(dir, f);
    hash.update(f);
    if (statSync(file).isFile()) hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}
/** The folder's entries other than finished models: temporary folders an interrupted write would leave. */
const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.'));
const metadataOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8'));

test('every command has --help', () => {
  for (const [command, option] of [
    ['features', '--input-size'],
    ['train', '--no-augment'],
    ['evaluate', '--json'],
    ['export', '--weights'],
  ]) {
    const r = kombat(command, '--help');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Usage: kombat ${command}`));
    assert.ok(r.stdout.includes(option), `${command} --help mentions ${option}`);
  }
});

test('train -> evaluate; same seed, same model; export --weights uint8', { skip: needsShared }, async () => {
  await ready;
  const m1 = path.join(root, 'models', 'a');
  const before = folderHash(data);
  const t1 = kombat('train', '--data', data, '--task', 'ternary', '--out', m1, '--config', config, '--variants', '2');
  assert.equal(t1.status, 0, t1.stderr);
  assert.deepEqual(readdirSync(m1).sort(), modelFiles);
  assert.equal(folderHash(data), before, "the user's data folder is unchanged, byte for byte");
  assert.equal(existsSync(`${data}-aug`), false, 'nothing written next to it');
  // Every frame and its 2 variants, cached under the project's data folder keyed by content; the three
  // people held out in turn choose the epochs, then the final model learns from all of them.
  assert.match(t1.stderr, /72 variants in .*data\/augmented\/shapes-[0-9a-f]{16} \(72 written, 0 reused/);
  assert.match(t1.stderr, /^fold 1\/3: holding out s1$/m);
  assert.match(t1.stderr, /^fold 3 epoch 6\/6 {2}loss .* held-out loss /m);
  assert.match(t1.stderr, /^final epoch 1\/\d {2}loss /m);
  assert.match(t1.stdout, /^person +frames +accuracy/m);
  assert.match(t1.stdout, /ternary model on 36 frames, \d+ epochs \(max-epochs\)/);
  const meta = metadataOf(m1);
  assert.deepEqual(meta.classes, ['punch', 'kick', 'other']);
  assert.deepEqual(meta.features, {
    kind: 'mobilenet',
    alpha: 0.75,
    inputSize: [64, 64],
    layer: 'global_average_pooling2d_1',
    fit: 'letterbox',
    featureSize: 768,
  });
  assert.equal(meta.weights, 'float32');
  assert.equal(meta.hyperparams.hidden, 16);
  assert.equal(meta.hyperparams.seed, 7);
  assert.deepEqual(meta.crossValidation.folds, [['s1'], ['s2'], ['s3']]);
  assert.equal(meta.epochs.trained, meta.crossValidation.epochs);
  // The article's rule, its 3-way thresholds chosen on the held-out people's frames (printed as chosen).
  assert.equal(meta.task, 'ternary');
  assert.deepEqual(Object.keys(meta.thresholds), ['other', 'action']);
  const { other, action } = meta.thresholds;
  assert.match(t1.stdout, new RegExp(`thresholds chosen on the held-out frames: other ${other}, action ${action}\\b`));
  assert.deepEqual(Object.keys(meta.metrics), ['train', 'crossValidated']);
  assert.equal(meta.dataset.frames, 36);
  assert.equal(meta.dataset.augmentedVariants, 72);
  assert.equal(meta.dataset.recordings.length, 3);

  const e = kombat('evaluate', '--model', m1, '--data', data, '--json');
  assert.equal(e.status, 0, e.stderr);
  const metrics = JSON.parse(e.stdout);
  assert.deepEqual(Object.keys(metrics), ['classes', 'accuracy', 'balancedAccuracy', 'confusionMatrix', 'perClass']);
  assert.deepEqual(metrics.classes, ['punch', 'kick', 'other']);
  assert.deepEqual(Object.keys(metrics.perClass), ['punch', 'kick', 'other']);
  for (const c of metrics.classes)
    assert.deepEqual(Object.keys(metrics.perClass[c]).sort(), ['f1', 'precision', 'recall', 'support']);
  assert.deepEqual(
    metrics.confusionMatrix.map((row: number[]) => row.reduce((a, b) => a + b, 0)),
    [12, 12, 12],
  );
  assert.ok(metrics.accuracy > 0.6 && metrics.accuracy <= 1, `accuracy ${metrics.accuracy}`);
  assert.ok(metrics.balancedAccuracy > 0.6, `balanced accuracy ${metrics.balancedAccuracy}`);
  const table = kombat('evaluate', '--model', m1, '--data', data);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /36 images, ternary model/);
  assert.match(table.stdout, /confusion matrix/);

  // A model exported before the rule followed the article ({any, action}) is refused with what to do.
  const stale = path.join(root, 'models', 'stale');
  cpSync(m1, stale, { recursive: true });
  writeFileSync(
    path.join(stale, 'metadata.json'),
    JSON.stringify({ ...meta, thresholds: { any: 0.45, action: 0.45 } }),
  );
  const refused = kombat('evaluate', '--model', stale, '--data', data);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /stale[/\\]metadata\.json: "thresholds" .* belong to an earlier decision rule/);

  // The same seed again (features now from the cache, augmentation reused): the same bytes.
  const m2 = path.join(root, 'models', 'b');
  const t2 = kombat('train', '--data', data, '--task', 'ternary', '--out', m2, '--config', config, '--variants', '2');
  assert.equal(t2.status, 0, t2.stderr);
  assert.match(t2.stderr, /\(0 written, 72 reused/);
  assert.ok(
    readFileSync(path.join(m1, 'weights.bin')).equals(readFileSync(path.join(m2, 'weights.bin'))),
    'identical weights.bin',
  );
  const meta2 = metadataOf(m2);
  assert.deepEqual(meta2.metrics, meta.metrics);
  assert.deepEqual(meta2.epochs, meta.epochs);
  assert.equal(meta2.trainingDataHash, meta.trainingDataHash);

  const q = path.join(root, 'models', 'a-uint8');
  const x = kombat('export', '--model', m1, '--out', q, '--weights', 'uint8');
  assert.equal(x.status, 0, x.stderr);
  assert.match(x.stdout, /\(float32, weights\.bin [\d.]+ KiB\) -> .*\(uint8, weights\.bin [\d.]+ KiB/);
  const [full, small] = [m1, q].map((d) => readFileSync(path.join(d, 'weights.bin')).length);
  assert.ok(small < full / 3, `uint8 ${small} bytes vs float32 ${full}`);
  const qmeta = metadataOf(q);
  assert.equal(qmeta.weights, 'uint8');
  assert.deepEqual({ ...qmeta, weights: 'float32' }, meta, 'the rest of the metadata is kept');
  const eq = kombat('evaluate', '--model', q, '--data', data, '--json');
  assert.equal(eq.status, 0, eq.stderr);
  assert.ok(
    Math.abs(JSON.parse(eq.stdout).accuracy - metrics.accuracy) <= 0.1,
    'the quantised model reloads and scores about the same',
  );

  // Binary task, original frames only, the article's hyper-parameters (batch a tenth of the 36 frames).
  const mb = path.join(root, 'models', 'binary');
  const tb = kombat(
    'train',
    '--data',
    data,
    '--task',
    'binary',
    '--out',
    mb,
    '--config',
    config,
    '--no-augment',
    '--article',
    '--epochs',
    '2',
  );
  assert.equal(tb.status, 0, tb.stderr);
  const bmeta = metadataOf(mb);
  assert.deepEqual(bmeta.classes, ['not-punch', 'punch']);
  assert.equal(bmeta.hyperparams.learningRate, 1e-6);
  assert.equal(bmeta.hyperparams.loss, 'sigmoidCrossEntropy');
  assert.equal(bmeta.hyperparams.batchSize, 4);
  assert.equal(bmeta.epochs.trained, 2);

  // evaluate --cv: the set-up scored person by person, nothing written.
  const cv = kombat('evaluate', '--cv', data, '--task', 'ternary', '--config', config, '--no-augment', '--json');
  assert.equal(cv.status, 0, cv.stderr);
  const cvj = JSON.parse(cv.stdout);
  assert.deepEqual(cvj.folds, [['s1'], ['s2'], ['s3']]);
  assert.deepEqual(
    cvj.perGroup.map((g: { group: string; frames: number }) => [g.group, g.frames]),
    [
      ['s1', 12],
      ['s2', 12],
      ['s3', 12],
    ],
  );

  // The article's first dataset: punch/ and other/ only. A binary model trains on it; the 3-way
  // model is scored on it as punch / not punch, and says so.
  const noKick = path.join(root, 'no-kick');
  for (const cls of ['punch', 'other']) cpSync(path.join(data, cls), path.join(noKick, cls), { recursive: true });
  const nb = kombat(
    'train',
    '--data',
    noKick,
    '--task',
    'binary',
    '--out',
    path.join(root, 'models', 'nk'),
    '--config',
    config,
    '--no-augment',
  );
  assert.equal(nb.status, 0, nb.stderr);
  assert.deepEqual(metadataOf(path.join(root, 'models', 'nk')).dataset.classes, { punch: 12, other: 12 });
  const folded = kombat('evaluate', '--model', m1, '--data', noKick, '--json');
  assert.equal(folded.status, 0, folded.stderr);
  assert.match(folded.stderr, /no kick\/ frames: the 3-way model is scored as punch \/ not punch/);
  assert.deepEqual(JSON.parse(folded.stdout).classes, ['not-punch', 'punch']);
  assert.deepEqual(leftovers(path.join(root, 'models')), []);
});

test('features: cached per layer; another layer or a wrong-size entry is recomputed', {
  skip: needsShared,
}, async () => {
  await ready;
  const spec = ['--input-size', '64x64', '--fit', 'stretch', '--alpha', '0.75'];
  const first = kombat('features', '--data', data, ...spec, '--layer', 'global_average_pooling2d_1');
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^36 images: 36 computed, 0 from the cache; 768 features each; [\d.]+ s$/m);
  const again = kombat('features', '--data', data, ...spec, '--layer', 'global_average_pooling2d_1');
  assert.match(again.stdout, /36 images: 0 computed, 36 from the cache/);
  const other = kombat('features', '--data', data, ...spec, '--layer', 'conv_pw_11_relu');
  assert.equal(other.status, 0, other.stderr);
  assert.match(other.stdout, /36 images: 36 computed, 0 from the cache; 384 features each/);

  // Put a conv_pw_11_relu entry (384 values) where a global_average_pooling2d_1 one (768) belongs.
  const base = path.join(root, 'data', 'features', 'mobilenet_v1_0.75_224');
  const gap = path.join(base, 'global_average_pooling2d_1', '64x64');
  const shard = readdirSync(gap)[0];
  const entry = readdirSync(path.join(gap, shard))[0];
  copyFileSync(path.join(base, 'conv_pw_11_relu', '64x64', shard, entry), path.join(gap, shard, entry));
  const repaired = kombat('features', '--data', data, ...spec, '--layer', 'global_average_pooling2d_1');
  assert.match(repaired.stdout, /36 images: 1 computed, 35 from the cache/);
  const last = kombat('features', '--data', data, ...spec, '--layer', 'global_average_pooling2d_1');
  assert.match(last.stdout, /36 images: 0 computed, 36 from the cache/);
});

test('bad input: one clear message naming the file or value, non-zero exit', { skip: needsShared }, async () => {
  await ready;
  const out = path.join(root, 'models', 'bad');
  const fails = (r: Run, pattern: RegExp) => {
    assert.notEqual(r.status, 0, `${pattern}: should fail`);
    assert.match(r.stderr, pattern);
  };
  const train = (dir: string, ...more: string[]) =>
    kombat('train', '--data', dir, '--task', 'ternary', '--out', out, '--config', config, '--no-augment', ...more);

  const one = path.join(root, 'one-class');
  cpSync(path.join(data, 'punch'), path.join(one, 'punch'), { recursive: true });
  fails(train(one), new RegExp(`${one}/kick/: class folder is missing`));

  // Frames that name no person: the ways to name them.
  const anonymous = path.join(root, 'anonymous');
  for (const cls of ['punch', 'kick', 'other']) {
    cpSync(path.join(data, cls), path.join(anonymous, cls), { recursive: true });
    for (const [i, f] of readdirSync(path.join(anonymous, cls)).entries())
      renameSync(path.join(anonymous, cls, f), path.join(anonymous, cls, `${i + 1}.png`));
  }
  fails(train(anonymous), /anonymous: 36 of 36 frames name no person \(e\.g\. punch\/1\.png\).*--subjects-from/);

  // Punches only: a binary model needs not-punch frames.
  fails(
    kombat('train', '--data', one, '--task', 'binary', '--out', out, '--config', config, '--no-augment'),
    /no not-punch frames: punch vs\. not-punch needs a folder besides punch\//,
  );

  fails(
    kombat('train', '--data', data, '--task', 'quaternary', '--out', out),
    /argument 'quaternary' is invalid\. unknown task "quaternary" \(tasks are binary, ternary\)/,
  );
  fails(
    kombat('features', '--data', data, '--input-size', '64'),
    /argument '64' is invalid\. input size "64" is not WIDTHxHEIGHT/,
  );
  fails(
    kombat('features', '--data', data, '--input-size', '16x16'),
    /input size "16x16": width and height must be in 32\.\.1024/,
  );
  fails(train(data, '--config', path.join(root, 'missing.json')), /missing\.json: no such config file/);
  fails(
    kombat(
      'train',
      '--data',
      data,
      '--task',
      'binary',
      '--out',
      out,
      '--augmented',
      path.join(root, 'x'),
      '--no-augment',
    ),
    /contradict/,
  );
  fails(kombat('features', '--data', path.join(root, 'nowhere')), /nowhere: no such dataset folder/);
  assert.equal(existsSync(out), false, 'no model written');

  // A trained model with parts missing, or features of the wrong size.
  const good = path.join(root, 'models', 'good');
  const t = train(data, '--epochs', '1');
  assert.equal(t.status, 0, t.stderr);
  cpSync(out, good, { recursive: true });
  rmSync(out, { recursive: true });
  const broken = (name: string, edit: (dir: string) => void) => {
    const dir = path.join(root, 'models', name);
    cpSync(good, dir, { recursive: true });
    edit(dir);
    return dir;
  };
  const noWeights = broken('no-weights', (d) => rmSync(path.join(d, 'weights.bin')));
  fails(
    kombat('evaluate', '--model', noWeights, '--data', data),
    new RegExp(`${noWeights}/weights\\.bin: weight file listed in model\\.json is missing`),
  );
  fails(
    kombat('export', '--model', noWeights, '--out', path.join(root, 'models', 'q')),
    /weights\.bin: weight file listed in model\.json is missing/,
  );
  const noMeta = broken('no-metadata', (d) => rmSync(path.join(d, 'metadata.json')));
  fails(kombat('evaluate', '--model', noMeta, '--data', data), new RegExp(`${noMeta}/metadata\\.json is missing`));
  const otherLayer = broken('other-layer', (d) => {
    const meta = metadataOf(d);
    meta.features.layer = 'conv_pw_11_relu';
    writeFileSync(path.join(d, 'metadata.json'), JSON.stringify(meta));
  });
  fails(
    kombat('evaluate', '--model', otherLayer, '--data', data),
    new RegExp(
      `${otherLayer}/metadata\\.json: features\\.featureSize: \\d+ declared, but mobilenet conv_pw_11_relu 64x64 ` +
        '.* gives 384 values',
    ),
  );
  fails(
    kombat('export', '--model', good, '--out', path.join(root, 'models', 'q'), '--weights', 'int4'),
    /argument 'int4' is invalid/,
  );
});

/** Resolves when the child's stderr matches `pattern`. */
function waitFor(child: ChildProcess, pattern: RegExp, seen: { text: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pattern.test(seen.text)) {
        child.stderr?.off('data', check);
        resolve();
      }
    };
    child.stderr?.on('data', check);
    child.once('exit', () => reject(new Error(`exited before ${pattern}: ${seen.text}`)));
  });
}

function startTrain(
  out: string,
  ...more: string[]
): { child: ChildProcess; seen: { text: string }; stdout: { text: string }; exit: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      'train',
      '--data',
      data,
      '--task',
      'ternary',
      '--out',
      out,
      '--config',
      longConfig,
      ...more,
    ],
    { env },
  );
  children.add(child);
  const seen = { text: '' };
  const stdout = { text: '' };
  child.stderr?.on('data', (b: Buffer) => (seen.text += b.toString()));
  child.stdout?.on('data', (b: Buffer) => (stdout.text += b.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, seen, stdout, exit };
}

test('Ctrl-C during training: stops after the batch, keeps the best epoch, writes a complete model', {
  skip: needsShared,
}, async () => {
  await ready;
  const parent = path.join(root, 'interrupted');
  const out = path.join(parent, 'model');
  const run = startTrain(out, '--no-augment', '--no-cv');
  await waitFor(run.child, /^final epoch +3\//m, run.seen);
  run.child.kill('SIGINT');
  assert.equal(await run.exit, 0, run.seen.text);
  assert.match(run.seen.text, /interrupted; stopping after the current batch/);
  assert.deepEqual(readdirSync(out).sort(), modelFiles);
  const meta = metadataOf(out);
  assert.equal(meta.epochs.stoppedBy, 'interrupted');
  assert.ok(meta.epochs.trained >= 3 && meta.epochs.trained < 100000, `trained ${meta.epochs.trained}`);
  assert.deepEqual(meta.thresholds, { other: 0.4, action: 0.35 }, "--no-cv: the config's (the article's) thresholds");
  assert.match(run.stdout.text, /\d+ epochs \(interrupted\)/);
  assert.deepEqual(leftovers(parent), []);
  const e = kombat('evaluate', '--model', out, '--data', data, '--json');
  assert.equal(e.status, 0, e.stderr);

  // Twice: quits at once or finishes the export, never a half-written folder; the old model stays whole.
  const before = readFileSync(path.join(out, 'weights.bin'));
  const twice = startTrain(out, '--no-augment', '--no-cv');
  await waitFor(twice.child, /^final epoch +2\//m, twice.seen);
  twice.child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 5));
  twice.child.kill('SIGINT');
  const code = await twice.exit;
  assert.ok(code === 0 || code === 130, `exit ${code}: ${twice.seen.text}`);
  assert.deepEqual(readdirSync(out).sort(), modelFiles);
  assert.equal(metadataOf(out).epochs.stoppedBy, 'interrupted');
  if (code === 130)
    assert.ok(readFileSync(path.join(out, 'weights.bin')).equals(before), 'quit at once: the old model is untouched');
  assert.deepEqual(leftovers(parent), []);

  // During cross-validation: quits at once, nothing written.
  const inCv = path.join(parent, 'in-cv');
  const during = startTrain(inCv, '--no-augment');
  await waitFor(during.child, /^fold 1 epoch +2\//m, during.seen);
  during.child.kill('SIGINT');
  assert.equal(await during.exit, 130, during.seen.text);
  assert.match(during.seen.text, /interrupted before the final training; no model written/);
  assert.equal(existsSync(inCv), false);

  // Before training (augmenting): quits at once, nothing written.
  const early = path.join(parent, 'early');
  const pre = startTrain(early, '--augmented', path.join(root, 'aug-early'), '--variants', '8');
  await waitFor(pre.child, /augmenting 36 frames/, pre.seen);
  pre.child.kill('SIGINT');
  assert.equal(await pre.exit, 130, pre.seen.text);
  assert.match(pre.seen.text, /interrupted before the final training; no model written/);
  assert.equal(existsSync(early), false);
  assert.deepEqual(leftovers(parent), []);
});
