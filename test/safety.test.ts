// Issue 13, "nothing lost, nothing silently wrong": each numbered item of the issue as a careful but
// unlucky user meets it through the CLI (a child process per command, as in cli.test.ts): --out
// that points at the wrong folder, a manifest that no longer matches its files, evaluation of a
// broken dataset, bad split.json files, interrupted and concurrent runs, temporaries left behind,
// and the messages that must name the file and say what to do.

import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { initBackend } from '../src/backend';
import { indexDataset } from '../src/data/entries';
import { readManifest, writeManifest } from '../src/data/manifest';
import { loadHead, urlFolder } from '../src/export/load';
import type { ClassifierMetadata } from '../src/export/metadata';
import { localFolder } from '../src/export/model-io';
import { describePreprocessing, undeclared } from '../src/features/kinds';
import type { FeatureSpec } from '../src/features/spec';
import { featureLayerSize } from '../src/mobilenet/names';
import { resolveSource } from '../src/mobilenet/source';
import { mulberry32 } from '../src/util/random';
import {
  kombatMain,
  needsShared,
  type Run,
  runKombat,
  shapesDataset,
  sharedMobileNet,
  snapshot,
  tempDir,
} from './helpers';

const root = tempDir('kombat-safety-');
after(() => rmSync(root, { recursive: true, force: true }));

/** A user's environment whose outputs all go under `dir`. */
function envIn(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KOMBAT_DATA_DIR: path.join(dir, 'data'),
    KOMBAT_REPORTS_DIR: path.join(dir, 'reports'),
    KOMBAT_MODELS_DIR: path.join(dir, 'models'),
    MOBILENET_URL: sharedMobileNet,
  };
  delete env.KOMBAT_SMOKE;
  delete env.KOMBAT_WORKERS;
  return env;
}
const env = envIn(root);
const kombat = (...args: string[]) => runKombat(env, ...args);

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function refused(r: Run, pattern: RegExp): void {
  assert.notEqual(r.status, 0, `should fail with ${pattern}; stdout: ${r.stdout}`);
  assert.match(r.stderr, pattern);
}
function ok(r: Run): Run {
  assert.equal(r.status, 0, r.stderr);
  return r;
}

const shapes = path.join(root, 'shapes');
const ready = shapesDataset(shapes);
const config = path.join(root, 'config.json');
writeFileSync(
  config,
  JSON.stringify({
    features: { inputSize: [64, 64], fit: 'letterbox' },
    hyperparams: {
      ternary: { hidden: 16, learningRate: 0.01, batchSize: 8, maxEpochs: 2, patience: 0, seed: 7 },
      binary: { hidden: 16, learningRate: 0.01, batchSize: 8, maxEpochs: 2, patience: 0, seed: 7 },
    },
  }),
);
const spec = ['--input-size', '64x64', '--fit', 'letterbox'];

/** A fresh copy of the shapes dataset (3 subjects x 3 classes x 4 images), optionally with manifest.csv. */
async function dataset(name: string, { manifest = false } = {}): Promise<string> {
  await ready;
  const dir = path.join(root, name);
  cpSync(shapes, dir, { recursive: true });
  if (manifest) {
    const index = await indexDataset(dir);
    await writeManifest(
      dir,
      index.entries.map(({ tracked: _, ...row }) => row),
    );
  }
  return dir;
}

/** A folder holding someone's own file. */
function foreign(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'notes.txt'), 'my own notes\n');
  return dir;
}

let trained: Promise<string> | undefined;
/** One ternary model trained on the shapes (first use trains it). */
function model(): Promise<string> {
  trained ??= (async () => {
    await ready;
    const out = path.join(root, 'models', 'shapes');
    ok(kombat('train', '--data', shapes, '--task', 'ternary', '--out', out, '--config', config, '--no-augment'));
    return out;
  })();
  return trained;
}

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/** `kombat <args>` started in the background, with its stderr collected. */
function start(runEnv: NodeJS.ProcessEnv, ...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', kombatMain, ...args], { env: runEnv });
  const seen = { stderr: '', stdout: '' };
  child.stderr?.on('data', (b: Buffer) => (seen.stderr += b.toString()));
  child.stdout?.on('data', (b: Buffer) => (seen.stdout += b.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, seen, exit };
}

/** Resolves once `check` holds, polling every 10 ms; rejects when the child exits first. */
function until(child: ChildProcess, check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearInterval(timer);
        reject(new Error(`exited before ${what}`));
      }
    }, 10);
  });
}

/** Every name under `dir` (recursively) that is a temporary of an atomic write. */
function temporaries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => /\.tmp-\d+-/.test(path.basename(p)));
}

test('1. --out replaces only its own kind of folder: train and export never delete a dataset or a foreign folder', {
  skip: needsShared,
}, async () => {
  const data = await dataset('own-data');
  const before = snapshot(data);
  const train = (out: string, ...more: string[]) =>
    kombat('train', '--data', data, '--task', 'ternary', '--out', out, '--config', config, '--no-augment', ...more);
  refused(train(data), new RegExp(`${literal(data)}: holds a dataset .*never written over, even with --force`));
  refused(train(data, '--force'), new RegExp(`${literal(data)}: holds a dataset`));
  assert.deepEqual(snapshot(data), before, 'the dataset is untouched');

  const m = await model();
  const notes = foreign('notes');
  refused(
    kombat('export', '--model', m, '--out', notes),
    new RegExp(`${literal(notes)}: not empty and not an exported kombat model .*another --out, or --force`),
  );
  assert.deepEqual(readdirSync(notes), ['notes.txt']);
  const file = path.join(root, 'a-file.txt');
  writeFileSync(file, 'mine\n');
  for (const force of [[], ['--force']])
    refused(kombat('export', '--model', m, '--out', file, ...force), new RegExp(`${literal(file)}: is a file`));
  assert.equal(readFileSync(file, 'utf8'), 'mine\n');
  // A folder with a dataset somewhere inside it.
  const holding = foreign('holding');
  cpSync(data, path.join(holding, 'mine', 'frames'), { recursive: true });
  const held = snapshot(holding);
  refused(kombat('export', '--model', m, '--out', holding, '--force'), /holds a dataset \(mine\/frames\)/);
  assert.deepEqual(snapshot(holding), held);

  // What may be replaced: a missing or empty folder, an exported model, a foreign folder with --force.
  const empty = path.join(root, 'empty');
  mkdirSync(empty);
  for (const out of [empty, path.join(root, 'models', 'copy'), path.join(root, 'models', 'copy')])
    ok(kombat('export', '--model', m, '--out', out, '--weights', 'uint8'));
  ok(kombat('export', '--model', m, '--out', notes, '--force'));
  assert.deepEqual(readdirSync(notes).sort(), ['metadata.json', 'model.json', 'weights.bin']);
  ok(kombat('export', '--model', m, '--out', m, '--weights', 'float32'));
});

test('1. the same rule for augment, frames, synth, dataset build, dataset clean --out and report', async () => {
  const data = await dataset('rule-data');
  const other = await dataset('rule-other');
  const untouched = (dir: string) => {
    const before = snapshot(dir);
    return () => assert.deepEqual(snapshot(dir), before, `${dir} is untouched`);
  };

  const notes = foreign('rule-notes');
  let same = untouched(notes);
  refused(
    kombat('augment', '--data', data, '--out', notes, '--all', '--variants', '1'),
    new RegExp(`${literal(notes)}: not empty and not an augmented dataset .*another --out, or --force`),
  );
  same();
  same = untouched(other);
  refused(kombat('augment', '--data', data, '--out', other, '--all', '--variants', '1'), /holds a dataset/);
  same();
  const aug = path.join(root, 'rule-aug');
  ok(kombat('augment', '--data', data, '--out', aug, '--all', '--variants', '1'));
  ok(kombat('augment', '--data', data, '--out', aug, '--all', '--variants', '2'));

  const video = path.join(root, 'videos', 's07_c01.avi');
  mkdirSync(path.dirname(video), { recursive: true });
  spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=5', '-t', '1', video]);
  same = untouched(notes);
  refused(
    kombat('frames', video, '--out', notes),
    new RegExp(`${literal(notes)}: not empty and not a dataset folder .*another --out, or --force`),
  );
  same();
  ok(kombat('frames', video, '--out', other));

  const synth = foreign('rule-synth');
  writeFileSync(path.join(notes, 'more.txt'), 'more\n');
  cpSync(notes, path.join(synth, 'recordings'), { recursive: true });
  same = untouched(synth);
  refused(
    kombat('synth', '--out', synth, '--subjects', '1', '--clips', '1'),
    new RegExp(`${literal(path.join(synth, 'recordings'))}: not empty and not synthetic recordings`),
  );
  same();

  // dataset build refuses before it renders anything.
  const buildRoot = path.join(root, 'build');
  foreign(path.join('build', 'data', 'builtin'));
  same = untouched(buildRoot);
  const build = runKombat(envIn(buildRoot), 'dataset', 'build', '--smoke');
  refused(build, new RegExp(`${literal(path.join(buildRoot, 'data', 'builtin'))}: not empty and not the built-in`));
  same();

  same = untouched(other);
  refused(kombat('dataset', 'clean', data, '--out', other), new RegExp(`${literal(other)}: holds a dataset`));
  same();

  const reports = foreign('rule-reports');
  writeFileSync(path.join(reports, 'README.md'), '# my project\n');
  same = untouched(reports);
  refused(
    kombat('report', '--reports', reports),
    new RegExp(`${literal(reports)}: not empty and not a reports folder .*another --reports, or --force`),
  );
  same();
});

test('2. the feature cache is keyed on the bytes read, never on an unchecked manifest value', {
  skip: needsShared,
}, async () => {
  const cold = envIn(path.join(root, 'cache-keys'));
  const run = (...args: string[]) => runKombat(cold, ...args);
  const data = await dataset('swapped', { manifest: true });
  const correct = await dataset('correct', { manifest: true });
  const m = await model();
  // What the correct data scores with a cache nobody has touched.
  const scored = JSON.parse(
    ok(runKombat(envIn(path.join(root, 'fresh')), 'evaluate', '--model', m, '--data', correct, '--json')).stdout,
  );

  // Punch and kick contents swapped under an unchanged manifest, before their features were ever cached.
  const [punch, kick] = ['punch/s1_c1_00000.png', 'kick/s1_c1_00000.png'].map((f) => path.join(data, f));
  const [p, k] = [readFileSync(punch), readFileSync(kick)];
  writeFileSync(punch, k);
  writeFileSync(kick, p);
  const mismatch = /sha256 in manifest\.csv does not match the file.*kombat dataset index --rehash/s;
  for (const r of [
    run('features', '--data', data, ...spec),
    run('evaluate', '--model', m, '--data', data),
    run(
      'train',
      '--data',
      data,
      '--task',
      'ternary',
      '--out',
      path.join(root, 'x'),
      '--config',
      config,
      '--no-augment',
    ),
  ]) {
    refused(r, mismatch);
    assert.match(r.stderr, /punch\/s1_c1_00000\.png/);
    assert.match(r.stderr, /kick\/s1_c1_00000\.png/);
  }
  // The clearly labelled repair: the manifest takes the files' hashes.
  const rehash = ok(run('dataset', 'index', data, '--rehash'));
  assert.match(rehash.stdout, /re-hashed 2 rows of .*manifest\.csv/);
  assert.match(ok(run('features', '--data', data, ...spec)).stdout, /36 images: 36 computed, 0 from the cache/);
  // Every entry holds the features of the bytes it is named by: the correct data scores as with a fresh cache.
  assert.deepEqual(JSON.parse(ok(run('evaluate', '--model', m, '--data', correct, '--json')).stdout), scored);

  // An empty sha256 column is refused, not one shared cache entry.
  const blank = await dataset('blank-sha', { manifest: true });
  const rows = await readManifest(blank);
  await writeManifest(
    blank,
    rows.map((r) => ({ ...r, sha256: '' })),
  );
  refused(run('features', '--data', blank, ...spec), /punch\/s1_c1_00000\.png: sha256 in manifest\.csv is empty/);
});

test('2. augment re-makes a variant whose bytes changed, even at the same size', async () => {
  const data = await dataset('aug-verify');
  const aug = path.join(root, 'aug-verify-out');
  ok(kombat('augment', '--data', data, '--out', aug, '--all', '--variants', '2'));
  const variant = path.join(aug, 'punch', 's1_c1_00000_v00.jpg');
  const good = readFileSync(variant);
  const bad = Buffer.from(good);
  bad.fill(0, 100, 400);
  writeFileSync(variant, bad);
  const again = ok(kombat('augment', '--data', data, '--out', aug, '--all', '--variants', '2'));
  assert.match(again.stdout, /\(1 written, 71 reused\)/);
  assert.ok(readFileSync(variant).equals(good), 'the variant is made again, byte for byte');
});

test('3. evaluate refuses data that features and train refuse; --skip-invalid skips and says which', {
  skip: needsShared,
}, async () => {
  const m = await model();
  const data = await dataset('eval-broken', { manifest: true });
  const rows = await readManifest(data);
  rmSync(path.join(data, 'punch', 's1_c1_00001.png'));
  await writeManifest(
    data,
    rows.map((r) => (r.file === 'kick/s2_c1_00000.png' ? { ...r, label: 'other' } : r)),
  );
  mkdirSync(path.join(data, 'jab'));
  cpSync(path.join(data, 'punch', 's1_c1_00000.png'), path.join(data, 'jab', 's1_c1_00000.png'));

  const r = kombat('evaluate', '--model', m, '--data', data);
  refused(r, /punch\/s1_c1_00001\.png: listed in the manifest but missing on disk/);
  assert.match(r.stderr, /kick\/s2_c1_00000\.png: labelled other but lies in kick\//);
  assert.match(r.stderr, /jab\/: unknown class folder/);
  assert.equal(r.stdout, '', 'no metrics for part of the data');
  for (const refusal of [
    kombat('features', '--data', data, ...spec),
    kombat('train', '--data', data, '--task', 'ternary', '--out', path.join(root, 'y'), '--config', config),
  ])
    refused(refusal, /missing on disk/);

  const skipped = ok(kombat('evaluate', '--model', m, '--data', data, '--skip-invalid'));
  assert.match(skipped.stderr, /skipped 3 problem\(s\); scored the other 34 images/);
  assert.match(skipped.stderr, /punch\/s1_c1_00001\.png/);
  assert.match(skipped.stdout, /34 images, ternary model/);
});

test('4. metadata.json is checked against its model on every load, with the same message in Node and the page', {
  skip: needsShared,
}, async () => {
  const m = await model();
  const data = await dataset('meta-data');
  const good = JSON.parse(readFileSync(path.join(m, 'metadata.json'), 'utf8')) as ClassifierMetadata;
  // The whole-frame model this test trains (cases edit its MobileNet settings).
  const f = good.features as FeatureSpec & { featureSize: number };
  const sameSize = ['conv_pw_13_relu', 'conv_pw_12_relu'].find(
    (l) => l !== f.layer && featureLayerSize(l, f.alpha) === f.featureSize,
  );
  assert.ok(sameSize, `a layer of ${f.featureSize} values other than ${f.layer}`);
  const described = (features: ClassifierMetadata['features']) => ({
    features,
    preprocessing: describePreprocessing(undeclared(features)),
  });
  const cases: [string, Partial<ClassifierMetadata>, RegExp][] = [
    ['permuted', { classes: ['kick', 'punch', 'other'] }, /"classes" are \[punch, kick, other\] in this order/],
    [
      'binary-on-3',
      { task: 'binary', classes: ['not-punch', 'punch'], thresholds: { punch: 0.5 } },
      /the head has 3 outputs, a binary model/,
    ],
    [
      'two-classes',
      { classes: ['punch', 'kick'] },
      /"classes" are \[punch, kick, other\] in this order, got \["punch","kick"\]/,
    ],
    [
      'size-0',
      { features: { ...f, inputSize: [0, 0] } },
      /features\.inputSize: \[0,0\] is not \[height, width\] in 32\.\.1024/,
    ],
    ['size-2000', described({ ...f, inputSize: [2000, 2000] }), /features\.inputSize: \[2000,2000\] is not/],
    ['no-layer', described({ ...f, layer: 'conv_pw_14_relu' }), /"conv_pw_14_relu" is not a MobileNet v1 layer/],
    [
      'other-size',
      described({ ...f, layer: 'conv_pw_11_relu' }),
      new RegExp(`featureSize: ${f.featureSize} declared, but mobilenet conv_pw_11_relu .* gives 384 values`),
    ],
    [
      'same-size',
      { features: { ...f, layer: sameSize } },
      /"features" \(mobilenet conv_pw_1\d_relu.* disagree with "preprocessing"/,
    ],
  ];
  await initBackend();
  const models = path.join(root, 'meta-models');
  const server = createServer((req, res) => {
    const file = path.join(models, decodeURIComponent(req.url ?? '/'));
    if (!file.startsWith(models) || !existsSync(file)) return void res.writeHead(404).end();
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const [name, change, pattern] of cases) {
      const dir = path.join(models, name);
      cpSync(m, dir, { recursive: true });
      writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify({ ...good, ...change }, null, 2));
      const cacheEnv = envIn(path.join(root, 'meta-cache', name));
      const r = runKombat(cacheEnv, 'evaluate', '--model', dir, '--data', data);
      refused(r, pattern);
      assert.match(r.stderr, new RegExp(`${literal(dir)}`), `${name}: names the model`);
      assert.equal(r.stdout, '', `${name}: no metrics`);
      assert.equal(existsSync(path.join(root, 'meta-cache', name, 'data', 'features')), false, `${name}: no cache`);
      // The page's loader, over HTTP: the same refusal, the same words but for where the model is.
      const inNode = await loadHead(localFolder(dir)).then(
        () => assert.fail(`${name}: accepted in Node`),
        (err: Error) => err.message,
      );
      const inPage = await loadHead(urlFolder(`${base}/${name}`)).then(
        () => assert.fail(`${name}: accepted by the page's loader`),
        (err: Error) => err.message,
      );
      assert.match(inNode, pattern);
      assert.equal(inPage.replaceAll(`${base}/${name}`, dir), inNode, name);
    }
  } finally {
    server.close();
  }
});

test('5. split.json: unplaced subjects, a subject in two splits, impossible fractions, bad files', async () => {
  await ready;
  const data = path.join(root, 'split4');
  await shapesDataset(data, ['s1', 's2', 's3', 's4']);
  const writeSplit = (split: object | string) =>
    writeFileSync(path.join(data, 'split.json'), typeof split === 'string' ? split : JSON.stringify(split));
  const train = () =>
    kombat('train', '--data', data, '--task', 'ternary', '--out', path.join(root, 'z'), '--config', config);
  const validate = () => kombat('dataset', 'validate', data);
  const bothFail = (pattern: RegExp) => {
    refused(train(), pattern);
    const v = validate();
    assert.equal(v.status, 1, v.stdout);
    assert.match(v.stdout, pattern);
  };

  writeSplit({ seed: 1, train: ['s1'], val: ['s3'], test: ['s4'] });
  bothFail(/split\.json: subject s2 \(12 images\) is in no split/);
  writeSplit({ seed: 1, train: ['s1', 's2'], val: ['s2', 's3'], test: ['s4'] });
  bothFail(/split\.json: subject s2 is in both train and val/);
  writeSplit('{"seed": 1, "train": ["s1"');
  bothFail(/split\.json: not valid JSON/);
  writeSplit({ seed: 1, train: 's1', val: ['s2'], test: ['s3', 's4'] });
  bothFail(/split\.json: "train" is not a list of subjects/);

  rmSync(path.join(data, 'split.json'));
  refused(
    kombat('dataset', 'split', data, '--val', '0.9', '--test', '0.9'),
    /val 0\.9 and test 0\.9 leave no subject for training/,
  );
  assert.equal(existsSync(path.join(data, 'split.json')), false, 'no split.json written');
  ok(kombat('dataset', 'split', data));
  ok(validate());
});

test('6. an interrupted `kombat features` keeps the batches it finished; the next run continues', {
  skip: needsShared,
}, async () => {
  // 480 distinct noise images: 15 batches of 32, in this thread (KOMBAT_WORKERS=1).
  const data = path.join(root, 'noise');
  const rng = mulberry32(1);
  for (const cls of ['punch', 'kick', 'other']) {
    mkdirSync(path.join(data, cls), { recursive: true });
    for (let i = 0; i < 160; i++) {
      const pixels = Buffer.alloc(48 * 27 * 3);
      for (let j = 0; j < pixels.length; j++) pixels[j] = Math.floor(rng() * 256);
      await sharp(pixels, { raw: { width: 48, height: 27, channels: 3 } })
        .png()
        .toFile(path.join(data, cls, `s${(i % 3) + 1}_c1_${String(i).padStart(5, '0')}.png`));
    }
  }
  const own = { ...envIn(path.join(root, 'interrupted')), KOMBAT_WORKERS: '1' };
  const cache = path.join(root, 'interrupted', 'data', 'features');
  const entries = () => readdirSync(cache, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.f32'));
  const first = start(own, 'features', '--data', data, ...spec);
  await until(first.child, () => existsSync(cache) && entries().length >= 32, 'the first batch was cached');
  first.child.kill('SIGINT');
  const { code } = await first.exit;
  assert.equal(code, 130, first.seen.stderr);
  const kept = /interrupted: the features of (\d+) of 480 images are in the cache; run again to continue/.exec(
    first.seen.stderr,
  );
  assert.ok(kept, first.seen.stderr);
  assert.ok(Number(kept[1]) >= 32 && Number(kept[1]) < 480, `kept ${kept[1]}`);
  assert.deepEqual(temporaries(cache), []);
  const second = ok(runKombat(own, 'features', '--data', data, ...spec));
  assert.match(second.stdout, new RegExp(`480 images: ${480 - Number(kept[1])} computed, ${kept[1]} from the cache`));
});

test('7. one writer per output folder: a second augment into the same folder is refused; stale locks go', async () => {
  const data = await dataset('lock-data');
  const aug = path.join(root, 'lock-aug');
  const first = start(env, 'augment', '--data', data, '--out', aug, '--all', '--variants', '24', '--concurrency', '1');
  await until(first.child, () => /augmenting 36 frames/.test(first.seen.stderr), 'augmenting started');
  const second = kombat('augment', '--data', data, '--out', aug, '--all', '--variants', '3');
  refused(
    second,
    new RegExp(
      `${literal(aug)}: kombat augment \\(process ${first.child.pid}\\) is writing it since .*; ` +
        'wait for it to finish',
    ),
  );
  assert.equal((await first.exit).code, 0, first.seen.stderr);
  const rows = await readManifest(aug);
  assert.equal(rows.length, 36 * 24);
  const files = ['punch', 'kick', 'other'].flatMap((c) => readdirSync(path.join(aug, c)).map((f) => `${c}/${f}`));
  assert.deepEqual(files.sort(), rows.map((r) => r.file).sort(), 'the files are the manifest, nothing more');

  // A lock whose process has gone is taken over, with a note.
  const pid = deadPid();
  writeFileSync(
    path.join(root, '.lock-aug.lock'),
    JSON.stringify({ pid, host: os.hostname(), command: 'kombat augment', started: new Date().toISOString() }),
  );
  const third = ok(kombat('augment', '--data', data, '--out', aug, '--all', '--variants', '3'));
  assert.match(third.stderr, new RegExp(`removed a stale lock of process ${pid}`));
  assert.equal(existsSync(path.join(root, '.lock-aug.lock')), false);
});

test('8. temporaries: removed on SIGTERM and SIGINT, and those of dead processes on the next run', async () => {
  const data = await dataset('tmp-data');
  const aug = path.join(root, 'tmp-aug');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // A fresh folder each time; killed among the variants (the state file is written first, then they are).
    rmSync(aug, { recursive: true, force: true });
    const run = start(env, 'augment', '--data', data, '--out', aug, '--all', '--variants', '40', '--concurrency', '2');
    await until(
      run.child,
      () => existsSync(path.join(aug, 'augment-state.json')) && existsSync(path.join(aug, 'punch')),
      'the first variants',
    );
    run.child.kill(signal);
    const { code } = await run.exit;
    assert.equal(code, signal === 'SIGTERM' ? 143 : 130, run.seen.stderr);
    assert.match(run.seen.stderr, new RegExp(`kombat: stopped by ${signal}; temporary files removed`));
    assert.deepEqual([...temporaries(aug), ...readdirSync(root).filter((n) => n.includes('.tmp-'))], [], signal);
  }

  // What a process killed with SIGKILL leaves: removed by the next run; a live process's are kept.
  const dead = deadPid();
  const stale = [
    path.join(aug, `.augment-state.json.tmp-${dead}-k1`),
    path.join(aug, 'punch', `.s1_c1_00000_v00.jpg.tmp-${dead}-k2`),
  ];
  for (const f of stale) writeFileSync(f, 'trunc');
  const live = path.join(aug, `.augment-state.json.tmp-${process.pid}-k3`);
  writeFileSync(live, 'in progress');
  ok(kombat('augment', '--data', data, '--out', aug, '--all', '--variants', '2'));
  for (const f of stale) assert.equal(existsSync(f), false, `${f} removed`);
  assert.ok(existsSync(live), 'a live process keeps its temporaries');
  rmSync(live);

  if (needsShared) return;
  const m = await model();
  const inplace = path.join(root, 'models', 'inplace');
  ok(kombat('export', '--model', m, '--out', inplace));
  const leftover = path.join(root, 'models', `.inplace.tmp-${dead}-k4`);
  mkdirSync(leftover);
  writeFileSync(path.join(leftover, 'weights.bin'), 'trunc');
  ok(kombat('export', '--model', inplace, '--out', inplace, '--weights', 'uint8'));
  assert.equal(existsSync(leftover), false);
});

test('9. messages name the file or value and say what to do', async () => {
  const data = await dataset('msg-data');
  // dataset index with errors exits non-zero.
  const broken = await dataset('msg-index');
  rmSync(path.join(broken, 'kick'), { recursive: true });
  const index = kombat('dataset', 'index', broken);
  assert.equal(index.status, 1, index.stdout);
  assert.match(index.stdout, /kick\/: class folder is missing/);

  // dataset clean names the corrupt image.
  const corrupt = await dataset('msg-corrupt');
  writeFileSync(path.join(corrupt, 'punch', 's1_c1_00002.png'), 'not an image');
  refused(kombat('dataset', 'clean', corrupt, '--dry-run'), /punch\/s1_c1_00002\.png: not an image/);

  // A malformed split.json is named, not its folder.
  writeFileSync(path.join(data, 'split.json'), '{"train": [');
  refused(
    kombat('augment', '--data', data, '--out', path.join(root, 'msg-aug')),
    /msg-data\/split\.json: not valid JSON/,
  );
  rmSync(path.join(data, 'split.json'));

  // report does not create a mistyped folder.
  const typo = path.join(root, 'reprots');
  refused(kombat('report', '--reports', typo), new RegExp(`${literal(typo)}: no such reports folder`));
  assert.equal(existsSync(typo), false);

  // A folder that is no dataset is called that, not "punch/: class folder is missing".
  refused(
    kombat('sweep', '--data', foreign('msg-not-a-dataset'), '--task', 'binary'),
    /msg-not-a-dataset: not a dataset folder \(no punch\/, kick\/ or other\/ folder and no manifest\.csv\)/,
  );

  // A MobileNet cache folder that cannot be read is not "not cached".
  const cacheDir = path.join(root, 'mobilenet-cache');
  mkdirSync(path.join(cacheDir, 'mobilenet_v1_0.75_224'), { recursive: true });
  spawnSync('ln', ['-s', path.join(root, 'gone.json'), path.join(cacheDir, 'mobilenet_v1_0.75_224', 'model.json')]);
  await assert.rejects(
    resolveSource({ alpha: 0.75, cacheDir, baseUrl: 'http://127.0.0.1:9' }),
    /mobilenet_v1_0\.75_224\/model\.json: cannot be read \(ENOENT\).*delete the folder/s,
  );

  if (needsShared) return;
  const m = await model();
  const broken4 = await dataset('msg-four');
  for (const f of ['punch/s1_c1_00000.png', 'kick/s2_c1_00001.png', 'other/s3_c1_00002.png', 'other/s3_c1_00003.png'])
    writeFileSync(path.join(broken4, f), 'oops');
  const four = kombat('features', '--data', broken4, ...spec);
  refused(four, /cannot read 4 image\(s\)/);
  for (const f of ['punch/s1_c1_00000', 'kick/s2_c1_00001', 'other/s3_c1_00002', 'other/s3_c1_00003'])
    assert.match(four.stderr, new RegExp(`${f}\\.png: not an image`));

  const copy = (name: string) => {
    const dir = path.join(root, 'models', name);
    cpSync(m, dir, { recursive: true });
    return dir;
  };
  const truncated = copy('truncated');
  truncateSync(path.join(truncated, 'weights.bin'), statSync(path.join(truncated, 'weights.bin')).size - 50);
  refused(
    kombat('evaluate', '--model', truncated, '--data', data),
    /truncated\/weights\.bin: \d+ bytes, model\.json lists \d+ .*export or train the model again/,
  );
  const badMeta = copy('bad-meta');
  writeFileSync(path.join(badMeta, 'metadata.json'), '{"task": "tern');
  refused(kombat('evaluate', '--model', badMeta, '--data', data), /bad-meta\/metadata\.json: not valid JSON/);

  // The cache folder cannot be written: said before any work, naming the folder.
  const blocked = path.join(root, 'blocked');
  mkdirSync(path.join(blocked, 'data'), { recursive: true });
  writeFileSync(path.join(blocked, 'data', 'features'), 'a file where the cache goes');
  refused(
    runKombat(envIn(blocked), 'features', '--data', data, ...spec),
    /blocked\/data\/features.*: the feature cache cannot be written \(\w+\); set KOMBAT_DATA_DIR/,
  );
});
