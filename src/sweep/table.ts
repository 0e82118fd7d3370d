// The sweep as a danfojs DataFrame and as CSV. danfojs is loaded on first use (it pulls in mathjs
// and a plotly bundle: a second or two), so importing the sweep code stays cheap.
// danfojs's own readCSV fetches through XMLHttpRequest even for local paths (its Node entry point
// is the browser build), so reading goes through csv-parse and builds the DataFrame from the rows.

import { promises as fs } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
// node10 module resolution ignores package.json "exports": the types by path, the module by name.
import type * as Danfo from 'danfojs/dist/danfojs-browser/src/index';
import { writeFileAtomic } from '../util/fs';
import { SWEEP_COLUMNS, type SweepRow } from './sweep';

export type DataFrame = Danfo.DataFrame;

/** The danfojs module (required lazily). */
export function danfo(): typeof Danfo {
  return require('danfojs') as typeof Danfo;
}

/** Rows (already ranked) as a DataFrame with the SWEEP_COLUMNS columns, in rank order. */
export function sweepTable(rows: readonly SweepRow[]): DataFrame {
  if (rows.length === 0) throw new Error('sweepTable: no rows');
  const sorted = [...rows].sort((a, b) => a.rank - b.rank);
  const dfd = danfo();
  return new dfd.DataFrame(
    sorted.map((r) => SWEEP_COLUMNS.map((c) => r[c])),
    { columns: [...SWEEP_COLUMNS] },
  );
}

/** CSV text of a DataFrame: a header line, then one line per row; fields quoted where needed. */
export function tableCsv(df: DataFrame): string {
  return stringify([df.columns, ...(df.values as unknown[][])]);
}

/** Writes the DataFrame as CSV, atomically. */
export async function writeTableCsv(file: string, df: DataFrame): Promise<void> {
  await writeFileAtomic(file, tableCsv(df));
}

/** A CSV written by writeTableCsv back as a DataFrame (numbers as numbers; empty or NaN cells as NaN). */
export async function readTableCsv(file: string): Promise<DataFrame> {
  const text = await fs.readFile(file, 'utf8');
  const records = parse(text, {
    columns: true,
    skip_empty_lines: true,
    cast: (value, ctx) => {
      if (ctx.header) return value;
      if (value === '' || value === 'NaN') return NaN;
      const n = Number(value);
      return Number.isNaN(n) ? value : n;
    },
  }) as Record<string, number | string>[];
  if (records.length === 0) throw new Error(`${file}: no rows`);
  const columns = Object.keys(records[0]);
  return new (danfo().DataFrame)(
    records.map((r) => columns.map((c) => r[c])),
    { columns },
  );
}
