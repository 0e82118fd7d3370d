// The results page from a small fake reports folder: sections appear for what exists, image links
// are relative, sections whose results are missing are left out; and the helpers it relies on.

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  accuracyOf,
  buildResultsPage,
  findComparisons,
  parseCsv,
  secondsOf,
  writeResultsPage,
} from '../src/report/page';
import { tempDir } from './helpers';

const PNG = Buffer.from('89504e470d0a1a0a', 'hex');

async function put(dir: string, file: string, content: string | Buffer | object): Promise<void> {
  await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  const data = typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content);
  await fs.writeFile(path.join(dir, file), data);
}

const environment = {
  backend: 'wasm',
  versions: { tfjs: '4.22.0' },
  node: '20.20.2',
  platform: 'linux x64',
  cpu: 'Test CPU',
  cores: 2,
  memoryGiB: 24,
};

function evaluation() {
  const metrics = (acc: number) => ({
    accuracy: acc,
    balancedAccuracy: acc,
    confusionMatrix: [
      [2, 1],
      [0, 3],
    ],
    perClass: {
      punch: { precision: 0.9, recall: 0.8, f1: 0.85, support: 3 },
      kick: { precision: 0.7, recall: 0.6, f1: 0.65, support: 3 },
    },
  });
  return {
    environment,
    features: { alpha: 0.75, inputSize: [224, 224], layer: 'global_average_pooling2d_1', fit: 'stretch' },
    models: {
      ternary: {
        accuracy: { train: 0.99, val: 0.8, test: 0.77 },
        balancedAccuracy: { test: 0.77 },
        epochs: { trained: 12, best: 7, stoppedBy: 'early-stopping' },
        test: metrics(0.77),
      },
      binary: {
        accuracy: { train: 0.98, val: 0.85, test: 0.83 },
        balancedAccuracy: { test: 0.8 },
        epochs: { trained: 9, best: 4, stoppedBy: 'early-stopping' },
        test: metrics(0.83),
      },
    },
    thresholds: {
      rule: 'the rule',
      article: { any: 0.4, action: 0.35 },
      chosen: { any: 0.5, action: 0.6 },
      constrained: true,
      binary: { article: 0.4, chosen: 0.55 },
      ternary: {
        val: { article: metrics(0.7), chosen: metrics(0.72) },
        test: { article: metrics(0.7), chosen: metrics(0.71) },
      },
      binaryActions: {
        val: { article: metrics(0.7), chosen: metrics(0.7) },
        test: { article: metrics(0.7), chosen: metrics(0.7) },
      },
    },
    figures: ['07-confusion-ternary'],
    seconds: { features: 10, training: 50, total: 75 },
  };
}

test('page: sections for what exists, relative image links, missing results left out', async () => {
  const dir = tempDir('kombat-page-');
  await put(dir, 'dataset.json', {
    name: 'builtin',
    dir: 'data/builtin',
    source: 'synthetic recordings',
    classes: ['punch', 'kick', 'other'],
    total: 9,
    counts: { punch: 3, kick: 3, other: 3 },
    subjects: ['s01', 's02', 's03'],
    splits: {
      train: { subjects: ['s01'], counts: { punch: 1, kick: 1, other: 1 }, total: 3 },
      val: { subjects: ['s02'], counts: { punch: 1, kick: 1, other: 1 }, total: 3 },
      test: { subjects: ['s03'], counts: { punch: 1, kick: 1, other: 1 }, total: 3 },
    },
  });
  await put(dir, 'augmentation/variants-punch.jpg', 'x');
  await put(dir, 'contact-sheets/kick.jpg', 'x');
  await put(dir, 'figures/07-confusion-ternary.png', PNG);
  await put(dir, 'figures/07-confusion-ternary.html', '<html></html>');
  await put(dir, 'figures/07-threshold-sweep.png', PNG);
  await put(dir, 'figures/stray figure.png', PNG);
  await put(dir, 'results/04-binary.json', {
    task: 'binary',
    article: { train: 0.92, val: 0.6, test: 0.58 },
    corrected: { metrics: { train: { accuracy: 0.97 }, val: { accuracy: 0.86 }, test: { accuracy: 0.84 } } },
    seconds: 30,
  });
  await put(dir, 'results/05-ternary.json', {
    task: 'ternary',
    runs: [
      {
        name: 'article',
        task: 'ternary',
        epochs: 50,
        metrics: { train: { accuracy: 0.91 }, val: { accuracy: 0.5 }, test: { accuracy: 0.52 } },
      },
      {
        name: 'corrected',
        task: 'ternary',
        epochs: 12,
        metrics: { train: { accuracy: 0.95 }, val: { accuracy: 0.75 }, test: { accuracy: 0.8 } },
      },
    ],
    seconds: 20,
  });
  await put(dir, 'results/07-evaluation.json', evaluation());
  await put(dir, 'results/09-broken.json', '{ not json');

  const page = await buildResultsPage(dir);
  assert.deepEqual(page.sections, [
    'Dataset',
    'Frames per class',
    'Augmentation',
    'Article vs corrected',
    'Final models on the test split',
    'Game thresholds',
    'Environment',
    'Timings',
    'Other figures',
  ]);
  const md = page.markdown;
  // Relative links: images as PNG/JPEG, figures linking to their interactive page.
  assert.match(
    md,
    /\[!\[07-confusion-ternary\]\(figures\/07-confusion-ternary\.png\)\]\(figures\/07-confusion-ternary\.html\)/,
  );
  assert.match(md, /!\[07-threshold-sweep\]\(figures\/07-threshold-sweep\.png\)/);
  assert.doesNotMatch(md, /07-threshold-sweep\.html/, 'no link to an HTML page that does not exist');
  assert.match(md, /!\[variants-punch\.jpg\]\(augmentation\/variants-punch\.jpg\)/);
  assert.match(md, /!\[kick\.jpg\]\(contact-sheets\/kick\.jpg\)/);
  assert.match(md, /\[stray figure\]\(figures\/stray%20figure\.png\)/);
  assert.doesNotMatch(md, /\]\(\/|\]\(tmp|kombat-page-/, 'no absolute paths');
  // Article vs corrected: training next to held-out accuracy, and the final models.
  assert.match(md, /\| binary \| article \| 92\.0% \| 60\.0% \| 58\.0% \|/);
  assert.match(md, /\| binary \| corrected \| 97\.0% \| 86\.0% \| 84\.0% \|/);
  assert.match(md, /\| 3-way \| article \(50 epochs\) \| 91\.0% \| 50\.0% \| 52\.0% \|/);
  assert.match(md, /\| 3-way \| corrected \(12 epochs\) \| 95\.0% \| 75\.0% \| 80\.0% \|/);
  assert.match(md, /\| 3-way \| final \(chapter 07\) \| 99\.0% \| 80\.0% \| 77\.0% \|/);
  assert.match(md, /\*\*3-way: any 0\.5, action 0\.6\*\*/);
  assert.match(md, /\| backend \| wasm \|/);
  assert.match(md, /\| 07-evaluation \| 75\.0 s \| features 10\.0 s, training 50\.0 s \|/);
  assert.match(md, /\| \*\*all\*\* \| \*\*2\.1 min\*\* \|/);
  for (const missing of ['Layer choice', 'Hyper-parameter sweep', 'Exported models'])
    assert.ok(!md.includes(`## ${missing}`), `${missing} left out`);

  // Adding the export results and a sweep adds their sections; the write is atomic and complete.
  await put(dir, 'sweep.csv', 'lr,units,valAcc\n0.001,256,0.8\n0.0001,1024,0.9\n');
  await put(dir, 'results/06-sweeps.json', {
    best: { learningRate: 0.0001 },
    rule: { name: 'val-loss' },
    seconds: { total: 5 },
  });
  await put(dir, 'results/08-export.json', {
    environment,
    rule: 'smallest identical',
    mobilenet: { alpha: 0.75, inputSize: [224, 224], layer: 'gap', bytes: 10_500_000 },
    models: {
      ternary: {
        shipped: { format: 'uint16', dir: 'models/kombat-ternary', weightBytes: 1_580_000, folderBytes: 1_590_000 },
        reload: { identical: true, endToEnd: { maxAbsDiff: 0 } },
        variants: [
          {
            format: 'float32',
            weightBytes: 3_160_000,
            accuracy: { val: 0.8, test: 0.77 },
            actionF1: 0.7,
            classAgreement: 1,
            actionAgreement: 1,
            maxAbsDiff: 0,
          },
          {
            format: 'uint16',
            weightBytes: 1_580_000,
            accuracy: { val: 0.8, test: 0.77 },
            actionF1: 0.7,
            classAgreement: 1,
            actionAgreement: 1,
            maxAbsDiff: 1e-5,
          },
        ],
      },
    },
    seconds: { total: 12 },
  });
  const written = await writeResultsPage(dir);
  assert.equal(written.file, path.join(dir, 'README.md'));
  assert.ok(written.sections.includes('Exported models') && written.sections.includes('Hyper-parameter sweep'));
  const text = await fs.readFile(written.file, 'utf8');
  assert.equal(text, written.markdown);
  assert.match(text, /\| 3-way \| uint16 \(ships\) \| 1\.58 MB \|/);
  assert.match(text, /best 10 by valAcc/);
  assert.match(text, /Chosen: `\{"learningRate":0\.0001\}`/);
  assert.ok(
    text.indexOf('| 0.0001 | 1024 | 0.9000 |') < text.indexOf('| 0.0010 | 256 | 0.8000 |'),
    'sweep sorted by validation accuracy',
  );
  assert.deepEqual(
    (await fs.readdir(dir)).filter((f) => f.includes('.tmp-')),
    [],
  );
});

test('page: an empty reports folder gives a page that says so', async () => {
  const page = await buildResultsPage(path.join(tempDir('kombat-page-'), 'absent'));
  assert.deepEqual(page.sections, []);
  assert.match(page.markdown, /No results yet/);
});

test('page helpers: loose accuracy shapes, comparisons, seconds, CSV', () => {
  assert.equal(accuracyOf({ train: 0.9 }, 'train'), 0.9);
  assert.equal(accuracyOf({ accuracy: { val: 0.8 } }, 'val'), 0.8);
  assert.equal(accuracyOf({ metrics: { test: { accuracy: 0.7 } } }, 'test'), 0.7);
  assert.equal(accuracyOf({ validation: { accuracy: 0.6 } }, 'val'), 0.6);
  assert.equal(accuracyOf({ trainAccuracy: 0.5 }, 'train'), 0.5);
  assert.equal(accuracyOf({}, 'test'), undefined);
  const found = findComparisons({
    binary: { article: { train: 1 }, corrected: { train: 2 } },
    ternary: { article: {}, corrected: {} },
  });
  assert.deepEqual(
    found.map((c) => c.trail),
    [['binary'], ['ternary']],
  );
  assert.equal(secondsOf({ seconds: 3 }), 3);
  assert.equal(secondsOf({ seconds: { a: 1, b: 2 } }), 3);
  assert.equal(secondsOf({ seconds: { a: 1, total: 5 } }), 5);
  assert.equal(secondsOf({}), undefined);
  assert.deepEqual(parseCsv('a,b\n"x, y","say ""hi"""\r\n\n1,2'), [
    ['a', 'b'],
    ['x, y', 'say "hi"'],
    ['1', '2'],
  ]);
});
