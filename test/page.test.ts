// The results page from a small reports folder: sections appear for what exists, image links are
// relative, figures link to their interactive version, the sweep table is ranked, files that are
// not chapter results are ignored. (test/results.test.ts renders every chapter's typed results.)
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DatasetCard } from '../src/data/card';
import { buildResultsPage, writeResultsPage } from '../src/results/page';
import { tempDir } from './helpers';

const PNG = Buffer.from('89504e470d0a1a0a', 'hex');

async function put(dir: string, file: string, content: string | Buffer | object): Promise<void> {
  await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  const data = typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content);
  await fs.writeFile(path.join(dir, file), data);
}

const counts = { punch: 1, kick: 1, other: 1 };
const card: DatasetCard = {
  name: 'builtin',
  dir: 'data/builtin',
  source: 'synthetic recordings',
  seed: 1,
  smoke: false,
  classes: ['punch', 'kick', 'other'],
  total: 9,
  counts: { punch: 3, kick: 3, other: 3 },
  subjects: ['s01', 's02', 's03'],
  perSubject: {},
  splits: {
    train: { subjects: ['s01'], counts, total: 3 },
    val: { subjects: ['s02'], counts, total: 3 },
    test: { subjects: ['s03'], counts, total: 3 },
  },
  trainMinPerClass: 1,
  sizes: { '320x180': 9 },
  numbered: false,
};

test('page: sections for what exists, relative image links, other files ignored', async () => {
  const dir = tempDir('kombat-page-');
  await put(dir, 'dataset.json', card);
  await put(dir, 'augmentation/variants-punch.jpg', 'x');
  await put(dir, 'contact-sheets/kick.jpg', 'x');
  await put(dir, 'figures/07-confusion-ternary.png', PNG);
  await put(dir, 'figures/07-confusion-ternary.html', '<html></html>');
  await put(dir, 'figures/stray figure.png', PNG);
  await put(dir, 'results/09-broken.json', '{ not json');
  await put(dir, 'sweep.csv', 'rank,trial,learningRate,valAccuracy\n2,1,0.001,0.8\n1,2,"1e-4",0.9\n');

  const page = await buildResultsPage(dir);
  assert.deepEqual(page.sections, [
    'Dataset',
    'Frames per class',
    'Augmentation',
    'Hyper-parameter sweep',
    'Other figures',
  ]);
  const md = page.markdown;
  assert.match(md, /\| train \| s01 \| 1 \| 1 \| 1 \| 3 \|/);
  assert.match(md, /!\[variants-punch\.jpg\]\(augmentation\/variants-punch\.jpg\)/);
  assert.match(md, /!\[kick\.jpg\]\(contact-sheets\/kick\.jpg\)/);
  // A figure no chapter shows is listed, with its interactive page when there is one.
  assert.match(
    md,
    /- \[07-confusion-ternary\]\(figures\/07-confusion-ternary\.png\) \(\[interactive\]\(figures\/07-[\w-]+\.html\)\)/,
  );
  assert.match(md, /\[stray figure\]\(figures\/stray%20figure\.png\)/);
  assert.doesNotMatch(md, /\]\(\/|\]\(tmp|kombat-page-/, 'no absolute paths');
  // sweep.csv through csv-parse (a quoted field too), ranked by the chapter's own rank.
  assert.ok(md.indexOf('| 1 | 2 | 0.0001 | 0.9000 |') < md.indexOf('| 2 | 1 | 0.0010 | 0.8000 |'), md);
  for (const missing of ['Layer choice', 'Article vs corrected', 'Final models on the test split', 'Timings'])
    assert.ok(!md.includes(`## ${missing}`), `${missing} left out`);

  const written = await writeResultsPage(dir);
  assert.equal(written.file, path.join(dir, 'README.md'));
  assert.equal(await fs.readFile(written.file, 'utf8'), written.markdown);
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
