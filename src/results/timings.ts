// The wall time of each chapter as `make all` ran it: <reports>/notebooks/timings.csv, which the
// Makefile's rule for an executed chapter writes (one row per run: chapter, seconds, the 1-minute
// load average at its start and end, the cores, when it finished). Load averages are kept because a
// time on a shared machine means little without them.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';

export interface ChapterTiming {
  chapter: string;
  seconds: number;
  loadStart: number;
  loadEnd: number;
  cores: number;
  finished: string;
}

export const TIMINGS_COLUMNS = ['chapter', 'seconds', 'load_start', 'load_end', 'cores', 'finished'] as const;

export function timingsFile(reportsDir: string): string {
  return path.join(reportsDir, 'notebooks', 'timings.csv');
}

/** The latest row of each chapter, in chapter order; undefined where the file does not exist. */
export async function readChapterTimings(reportsDir: string): Promise<ChapterTiming[] | undefined> {
  const file = timingsFile(reportsDir);
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new Error(`${file}: cannot read (${err.code})`);
  });
  if (text === undefined) return undefined;
  return parseChapterTimings(text, file);
}

export function parseChapterTimings(text: string, file: string): ChapterTiming[] {
  const rows = parse(text, { skip_empty_lines: true, trim: true }) as string[][];
  const [header = [], ...body] = rows;
  const missing = TIMINGS_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new Error(`${file}: no column ${missing.join(', ')}; expected the columns ${TIMINGS_COLUMNS.join(', ')}`);
  }
  const at = (row: string[], column: (typeof TIMINGS_COLUMNS)[number]) => row[header.indexOf(column)] ?? '';
  const latest = new Map<string, ChapterTiming>();
  body.forEach((row, i) => {
    const number = (column: (typeof TIMINGS_COLUMNS)[number]) => {
      const value = Number(at(row, column));
      if (at(row, column) === '' || !Number.isFinite(value) || value < 0) {
        throw new Error(`${file}, line ${i + 2}: ${column} must be a number >= 0, got "${at(row, column)}"`);
      }
      return value;
    };
    const chapter = at(row, 'chapter');
    if (!chapter) throw new Error(`${file}, line ${i + 2}: no chapter`);
    latest.set(chapter, {
      chapter,
      seconds: number('seconds'),
      loadStart: number('load_start'),
      loadEnd: number('load_end'),
      cores: number('cores'),
      finished: at(row, 'finished'),
    });
  });
  return [...latest.values()].sort((a, b) => a.chapter.localeCompare(b.chapter));
}
