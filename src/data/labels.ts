// Label ranges for a video: a CSV with header `start,end,label`, times in seconds, each range
// half-open [start, end). Labels are the classes plus "ambiguous" (frames there are skipped).
// Every mistake is reported with the file and line.

import { promises as fs } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { CLASSES, type ClassName } from './layout';

export const AMBIGUOUS = 'ambiguous';
export type RangeLabel = ClassName | typeof AMBIGUOUS;
export const RANGE_LABELS: readonly string[] = [...CLASSES, AMBIGUOUS];

export interface LabelRange {
  start: number;
  end: number;
  label: RangeLabel;
  /** Line in the labels file. */
  line: number;
}

export class LabelsError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(line !== undefined ? `${file} line ${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'LabelsError';
  }
}

export interface ParseLabelsOptions {
  /** Video duration in seconds; ranges ending later are errors. */
  duration?: number;
  /** Slack for the duration check, seconds (containers round durations). */
  tolerance?: number;
}

const fmt = (t: number) => String(Math.round(t * 1000) / 1000);

/** Parses and checks label ranges; `file` names the source in messages. Ranges come back sorted by start. */
export function parseLabels(
  text: string,
  file: string,
  { duration, tolerance = 0.05 }: ParseLabelsOptions = {},
): LabelRange[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      info: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      comment: '#',
    }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new LabelsError(file, e.lines, `not valid CSV (${e.message})`);
  }
  if (records.length === 0)
    throw new LabelsError(file, undefined, 'empty: expected a header "start,end,label" and one range per line');
  const header = records[0].record.map((h) => h.toLowerCase());
  if (header.join(',') !== 'start,end,label') {
    throw new LabelsError(
      file,
      records[0].info.lines,
      `header is "${records[0].record.join(',')}", expected "start,end,label"`,
    );
  }
  const ranges: LabelRange[] = [];
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    if (record.length !== 3)
      throw new LabelsError(file, line, `expected 3 fields (start,end,label), found ${record.length}`);
    const [s, e, label] = record;
    const start = Number(s);
    const end = Number(e);
    if (s === '' || !Number.isFinite(start))
      throw new LabelsError(file, line, `start "${s}" is not a number of seconds`);
    if (e === '' || !Number.isFinite(end)) throw new LabelsError(file, line, `end "${e}" is not a number of seconds`);
    if (start < 0) throw new LabelsError(file, line, `range ${fmt(start)}-${fmt(end)} starts at a negative time`);
    if (end < start) throw new LabelsError(file, line, `range ${fmt(start)}-${fmt(end)} ends before it starts`);
    if (end === start) throw new LabelsError(file, line, `range ${fmt(start)}-${fmt(end)} is empty (end equals start)`);
    if (!RANGE_LABELS.includes(label)) {
      throw new LabelsError(file, line, `unknown class "${label}" (expected ${RANGE_LABELS.join(', ')})`);
    }
    if (duration !== undefined && end > duration + tolerance) {
      throw new LabelsError(
        file,
        line,
        `range ${fmt(start)}-${fmt(end)} ends after the video does (${duration.toFixed(2)} s)`,
      );
    }
    ranges.push({ start, end, label: label as RangeLabel, line });
  }
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.line - b.line);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (cur.start < prev.end) {
      const [later, earlier] = cur.line > prev.line ? [cur, prev] : [prev, cur];
      throw new LabelsError(
        file,
        later.line,
        `range ${fmt(later.start)}-${fmt(later.end)} overlaps line ${earlier.line} ` +
          `(${fmt(earlier.start)}-${fmt(earlier.end)})`,
      );
    }
  }
  return sorted;
}

export async function readLabels(file: string, options: ParseLabelsOptions = {}): Promise<LabelRange[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new LabelsError(file, undefined, `cannot read (${(err as NodeJS.ErrnoException).code})`);
  }
  return parseLabels(text, file, options);
}

/** The range holding time t (start <= t < end), if any. */
export function rangeAt(ranges: readonly LabelRange[], t: number): LabelRange | undefined {
  // Ranges are few; a linear scan is clear and fast enough.
  return ranges.find((r) => r.start <= t && t < r.end);
}
