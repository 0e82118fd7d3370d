// The results page's per-chapter times from reports/notebooks/timings.csv (the Makefile writes it):
// the latest run of each chapter, the total, the load averages; no section without the file; a
// malformed file is named with what it lacks.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildResultsPage } from '../src/results/page';
import { parseChapterTimings } from '../src/results/timings';
import { tempDir } from './helpers';

const CSV = [
  'chapter,seconds,load_start,load_end,cores,finished',
  '00-setup,12.5,0.40,1.10,2,2026-11-29T10:00:12Z',
  '01-data-collection,150,1.10,2.00,2,2026-11-29T10:02:42Z',
  '00-setup,10,0.20,0.90,2,2026-11-29T11:00:10Z',
].join('\n');

test('page: a table of the latest time per chapter, with the total and the load', async () => {
  const dir = tempDir('kombat-timings-');
  assert.ok(!(await buildResultsPage(dir)).sections.includes('Time per chapter'), 'no file, no section');
  await fs.mkdir(path.join(dir, 'notebooks'));
  await fs.writeFile(path.join(dir, 'notebooks', 'timings.csv'), `${CSV}\n`);
  const page = await buildResultsPage(dir);
  assert.deepEqual(page.sections, ['Time per chapter']);
  assert.match(page.markdown, /\| 00-setup \| 10\.0 s \| 0\.20 → 0\.90 \| 2 \| 2026-11-29T11:00:10Z \|/);
  assert.match(page.markdown, /\| 01-data-collection \| 2\.5 min \| 1\.10 → 2\.00 \| 2 \|/);
  assert.match(page.markdown, /\| \*\*all\*\* \| \*\*2\.7 min\*\* \|/);
  assert.equal(page.markdown.match(/\| 00-setup \|/g)?.length, 1, 'one row per chapter');
});

test('timings.csv: a missing column or a bad number is named', () => {
  assert.throws(() => parseChapterTimings('chapter,seconds\n00-setup,3\n', 'reports/notebooks/timings.csv'), {
    message:
      'reports/notebooks/timings.csv: no column load_start, load_end, cores, finished; ' +
      'expected the columns chapter, seconds, load_start, load_end, cores, finished',
  });
  assert.throws(
    () => parseChapterTimings(CSV.replace('150,', 'slow,'), 't.csv'),
    /t\.csv, line 3: seconds must be a number >= 0, got "slow"/,
  );
});
