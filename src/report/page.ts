// The results page, reports/README.md: what a reader opens first. Built only from what the
// chapters left in the reports folder — dataset.json, results/NN-*.json, figures/*.png (+ .html),
// augmentation/*.jpg, contact-sheets/*.jpg, sweep.csv — so it works at any stage: a section whose
// inputs are missing is left out. Images are relative links (PNG/JPEG) so the page renders on any
// Git host; each figure links to its interactive HTML version when there is one.
//
// What it reads from each results file (other fields are ignored; every section tolerates missing ones):
//   any:   seconds (number, or object with `total` or numeric parts), environment, figures (names)
//   03-*:  the first array of flat objects (one row per layer / input), and `chosen` if present
//   04-*, 05-*: objects with `article` and `corrected` children, whose train / val / test accuracy is
//          read from x.train / x.accuracy.train / x.metrics.train.accuracy / x.trainAccuracy (numbers or {accuracy})
//   06-*:  `chosen` / `best`; and reports/sweep.csv (top rows by a validation column)
//   07-evaluation: models.{ternary,binary}.{accuracy,balancedAccuracy,epochs,test}, thresholds.*
//   08-export: models.{ternary,binary}.{shipped,variants,reload}, mobilenet, rule
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/fs';
import { settings } from '../settings';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ResultsFile {
  /** File name without .json, e.g. "07-evaluation". */
  name: string;
  /** Two-digit chapter number. */
  chapter: string;
  data: Json;
}

export interface PageInputs {
  dir: string;
  dataset?: Json;
  results: ResultsFile[];
  /** Figure names (without extension) that have a PNG in figures/. */
  figures: string[];
  htmlFigures: Set<string>;
  augmentation: string[];
  contactSheets: string[];
  sweep?: { header: string[]; rows: string[][] };
}

export interface Page {
  markdown: string;
  /** Section titles in page order. */
  sections: string[];
}

async function listFiles(dir: string, pattern: RegExp): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => pattern.test(n) && !n.startsWith('.')).sort();
}

async function readJson(file: string): Promise<Json | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // a half-written or broken file is treated as absent
  }
}

/** A small CSV parser (quoted fields with "" escapes), enough for sweep.csv. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

export async function readPageInputs(dir: string): Promise<PageInputs> {
  const results: ResultsFile[] = [];
  for (const file of await listFiles(path.join(dir, 'results'), /^\d\d-.*\.json$/)) {
    const data = await readJson(path.join(dir, 'results', file));
    if (data !== undefined) results.push({ name: file.replace(/\.json$/, ''), chapter: file.slice(0, 2), data });
  }
  const figureFiles = await listFiles(path.join(dir, 'figures'), /\.(png|html)$/);
  const figures = figureFiles.filter((f) => f.endsWith('.png')).map((f) => f.replace(/\.png$/, ''));
  const htmlFigures = new Set(figureFiles.filter((f) => f.endsWith('.html')).map((f) => f.replace(/\.html$/, '')));
  const sweepText = await fs.readFile(path.join(dir, 'sweep.csv'), 'utf8').catch(() => undefined);
  const sweepRows = sweepText ? parseCsv(sweepText) : [];
  return {
    dir,
    dataset: await readJson(path.join(dir, 'dataset.json')),
    results,
    figures,
    htmlFigures,
    augmentation: await listFiles(path.join(dir, 'augmentation'), /\.(jpe?g|png)$/i),
    contactSheets: await listFiles(path.join(dir, 'contact-sheets'), /\.(jpe?g|png)$/i),
    sweep: sweepRows.length > 1 ? { header: sweepRows[0], rows: sweepRows.slice(1) } : undefined,
  };
}

// ---- formatting -------------------------------------------------------------------------------

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const pct = (v: unknown) => (isNum(v) ? `${(100 * v).toFixed(1)}%` : '–');
const num = (v: unknown, digits = 3) => (isNum(v) ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : '–');
const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function cell(v: unknown): string {
  if (v === undefined || v === null) return '–';
  if (isNum(v)) return num(v);
  if (typeof v === 'object') return esc(JSON.stringify(v));
  return esc(String(v));
}

export function table(header: string[], rows: unknown[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(header.map(esc)),
    line(header.map(() => '---')),
    ...rows.map((r) => line(r.map((c) => (typeof c === 'string' ? esc(c) : cell(c))))),
  ].join('\n');
}

function seconds(s: number): string {
  if (s < 90) return `${s.toFixed(1)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

const bytes = (b: unknown) =>
  isNum(b) ? (b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(0)} kB`) : '–';
const link = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

// ---- reading loosely-shaped results ----------------------------------------------------------

const SPLIT_ALIASES: Record<'train' | 'val' | 'test', string[]> = {
  train: ['train', 'training'],
  val: ['val', 'validation'],
  test: ['test'],
};

/** Accuracy on a split from the shapes chapters use: x.train, x.accuracy.train, x.metrics.train.accuracy, x.trainAccuracy. */
export function accuracyOf(x: Json, split: 'train' | 'val' | 'test'): number | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const pick = (v: Json): number | undefined => (isNum(v) ? v : isNum(v?.accuracy) ? v.accuracy : undefined);
  for (const key of SPLIT_ALIASES[split]) {
    const found =
      pick(x.accuracy?.[key]) ??
      pick(x.metrics?.[key]) ??
      pick(x[key]) ??
      pick(x[`${key}Accuracy`]) ??
      pick(x[`${key}Acc`]);
    if (found !== undefined) return found;
  }
  if (split === 'train') return pick(x.finalTrainAccuracy) ?? pick(x.acc);
  if (split === 'val') return pick(x.valAcc);
  return undefined;
}

/** Every object (depth <= 4) that has both `article` and `corrected`, with the path of keys to it. */
export function findComparisons(
  x: Json,
  trail: string[] = [],
  depth = 0,
): { trail: string[]; article: Json; corrected: Json }[] {
  if (!x || typeof x !== 'object' || depth > 4) return [];
  if (!Array.isArray(x) && x.article && x.corrected) return [{ trail, article: x.article, corrected: x.corrected }];
  return Object.entries(x).flatMap(([k, v]) => findComparisons(v, Array.isArray(x) ? trail : [...trail, k], depth + 1));
}

/** The first array of flat objects in a results file (depth <= 3): one table row per element. */
export function firstRows(x: Json, depth = 0): Record<string, unknown>[] | undefined {
  if (!x || typeof x !== 'object' || depth > 3) return undefined;
  if (Array.isArray(x)) {
    if (x.length > 0 && x.every((r) => r && typeof r === 'object' && !Array.isArray(r))) return x;
    return undefined;
  }
  for (const v of Object.values(x)) {
    const found = firstRows(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function genericTable(rows: Record<string, unknown>[], maxRows = 15, maxColumns = 9): string {
  const columns: string[] = [];
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) {
      if (!columns.includes(k) && (v === null || typeof v !== 'object' || (Array.isArray(v) && v.length <= 3)))
        columns.push(k);
    }
  }
  const shown = columns.slice(0, maxColumns);
  const body = rows
    .slice(0, maxRows)
    .map((r) => shown.map((c) => (Array.isArray(r[c]) ? (r[c] as unknown[]).join('x') : r[c])));
  return (
    table(shown, body) + (rows.length > maxRows ? `\n\n(${rows.length - maxRows} more rows in the results file)` : '')
  );
}

export function secondsOf(data: Json): number | undefined {
  const s = data?.seconds;
  if (isNum(s)) return s;
  if (s && typeof s === 'object') {
    if (isNum(s.total)) return s.total;
    const parts = Object.values(s).filter(isNum);
    if (parts.length > 0) return parts.reduce((a, b) => a + b, 0);
  }
  return undefined;
}

// ---- the page ---------------------------------------------------------------------------------

interface Section {
  title: string;
  body: string;
}

class Builder {
  readonly sections: Section[] = [];
  readonly usedFigures = new Set<string>();
  constructor(readonly inputs: PageInputs) {}

  add(title: string, body: string | undefined): void {
    if (body && body.trim()) this.sections.push({ title, body: body.trim() });
  }

  results(chapter: string): ResultsFile[] {
    return this.inputs.results.filter((r) => r.chapter === chapter);
  }

  figure(name: string): string | undefined {
    if (!this.inputs.figures.includes(name)) return undefined;
    this.usedFigures.add(name);
    const img = `![${name}](${link('figures', `${name}.png`)})`;
    return this.inputs.htmlFigures.has(name) ? `[${img}](${link('figures', `${name}.html`)})` : img;
  }

  /** Figures of a chapter: those its results name first, then any other `NN-*` figure not shown yet. */
  chapterFigures(chapter: string, only?: (name: string) => boolean): string {
    const named = this.results(chapter).flatMap((r) =>
      Array.isArray(r.data.figures)
        ? (r.data.figures as unknown[]).filter((f): f is string => typeof f === 'string')
        : [],
    );
    const prefixed = this.inputs.figures.filter((f) => f.startsWith(`${chapter}-`));
    const names = [...new Set([...named, ...prefixed])].filter((n) => !this.usedFigures.has(n) && (!only || only(n)));
    return names
      .map((n) => this.figure(n))
      .filter(Boolean)
      .join('\n\n');
  }
}

function datasetSection(b: Builder): string | undefined {
  const d = b.inputs.dataset;
  if (!d) return undefined;
  const classes: string[] = Array.isArray(d.classes) ? d.classes : Object.keys(d.counts ?? {});
  const lines = [
    `**${d.name ?? 'dataset'}** (${d.dir ?? ''}): ${d.source ?? ''}.`,
    `${d.total ?? '?'} frames of ${classes.join(' / ')}, ${Array.isArray(d.subjects) ? d.subjects.length : '?'} subjects, split by subject. ` +
      `Full card: [dataset.md](dataset.md).`,
  ];
  if (d.splits) {
    const rows = ['train', 'val', 'test']
      .filter((s) => d.splits[s])
      .map((s) => [
        s,
        (d.splits[s].subjects ?? []).join(', '),
        ...classes.map((c) => d.splits[s].counts?.[c]),
        d.splits[s].total,
      ]);
    lines.push('', table(['split', 'subjects', ...classes, 'total'], rows));
  }
  if (d.extraction)
    lines.push(
      '',
      `Extraction: ${d.extraction.recordings} recordings at ${d.extraction.fps ?? '?'} fps gave ${d.extraction.frames} labelled frames (${d.extraction.ambiguous} ambiguous frames left out).`,
    );
  if (d.cleaning)
    lines.push(
      `Cleaning dropped ${d.cleaning.dropped} of ${d.cleaning.before} (${Object.entries(d.cleaning.byReason ?? {})
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}); balancing then kept the same number of frames per class in each split.`,
    );
  if (d.smoke) lines.push('', '*Smoke run: a tiny dataset; the numbers on this page are not results.*');
  return lines.join('\n');
}

function imagesSection(folder: string, files: string[], intro: string): string | undefined {
  if (files.length === 0) return undefined;
  return [intro, '', ...files.map((f) => `**${f.replace(/\.[a-z]+$/i, '')}**\n\n![${f}](${link(folder, f)})\n`)].join(
    '\n',
  );
}

/** The main table of a results file: `rows` or `table` when it is an array of objects, else the first such array. */
export function mainRows(data: Json): Record<string, unknown>[] | undefined {
  for (const key of ['rows', 'table']) {
    const v = data?.[key];
    if (Array.isArray(v) && v.length > 0 && v.every((r) => r && typeof r === 'object' && !Array.isArray(r))) return v;
  }
  return firstRows(data);
}

/** "Chosen: ..." from `chosen`, `choice.chosen` or `best`, with the rule when given. */
function chosenLine(data: Json): string | undefined {
  const chosen = data?.chosen ?? data?.choice?.chosen ?? data?.best ?? data?.choice;
  if (!chosen) return undefined;
  const text = (r: Json) =>
    typeof r === 'string'
      ? r
      : typeof r?.description === 'string'
        ? r.description
        : typeof r?.name === 'string'
          ? r.name
          : undefined;
  const rule = text(data.rule) ?? text(data.choice?.rule);
  return `Chosen: \`${JSON.stringify(chosen)}\`${rule ? ` — rule: *${rule}*` : ''}`;
}

function layerSection(b: Builder): string | undefined {
  const parts: string[] = [];
  for (const r of b.results('03')) {
    const rows = mainRows(r.data);
    if (rows) parts.push(genericTable(rows, 20));
    const chosen = chosenLine(r.data);
    if (chosen) parts.push(chosen);
    parts.push(`(from [results/${r.name}.json](${link('results', `${r.name}.json`)}))`);
  }
  if (parts.length === 0) return undefined;
  return [...parts, b.chapterFigures('03')].join('\n\n');
}

function comparisonSection(b: Builder): string | undefined {
  const rows: unknown[][] = [];
  const sources: string[] = [];
  const tasks = [...b.results('04'), ...b.results('05')];
  for (const r of tasks) {
    const task =
      typeof r.data.task === 'string'
        ? r.data.task
        : /binary/i.test(r.name)
          ? 'binary'
          : /ternary|3-?way|three/i.test(r.name)
            ? '3-way'
            : r.name;
    // Chapters 04/05 write `runs`: one summary per set-up ({ name, task, metrics: { train, val, test } }).
    const runs = Array.isArray(r.data.runs)
      ? (r.data.runs as Json[]).filter((x) => x && typeof x === 'object' && x.metrics)
      : [];
    for (const x of runs) {
      const model = (x.task ?? task) === 'ternary' ? '3-way' : (x.task ?? task);
      rows.push([
        model,
        String(x.name ?? '?') + (isNum(x.epochs) ? ` (${x.epochs} epochs)` : ''),
        pct(accuracyOf(x, 'train')),
        pct(accuracyOf(x, 'val')),
        pct(accuracyOf(x, 'test')),
      ]);
    }
    const found = runs.length > 0 ? [] : findComparisons(r.data);
    for (const c of found) {
      const label = c.trail.length > 0 ? c.trail.join(' / ') : task;
      for (const [setup, x] of [
        ['article', c.article],
        ['corrected', c.corrected],
      ] as const) {
        rows.push([
          label === 'ternary' ? '3-way' : label,
          setup,
          pct(accuracyOf(x, 'train')),
          pct(accuracyOf(x, 'val')),
          pct(accuracyOf(x, 'test')),
        ]);
      }
    }
    if (found.length === 0 && runs.length === 0) {
      const generic = mainRows(r.data);
      if (generic) sources.push(`**${r.name}**\n\n${genericTable(generic)}`);
    }
    sources.push(`(from [results/${r.name}.json](${link('results', `${r.name}.json`)}))`);
  }
  const e = b.results('07')[0]?.data;
  if (e?.models) {
    for (const task of ['binary', 'ternary']) {
      const m = e.models[task];
      if (m)
        rows.push([
          task === 'ternary' ? '3-way' : 'binary',
          'final (chapter 07)',
          pct(m.accuracy?.train),
          pct(m.accuracy?.val),
          pct(m.accuracy?.test),
        ]);
    }
  }
  if (rows.length === 0 && sources.length === 0) return undefined;
  const intro =
    'The article reported about 92% — accuracy on its own **training** data, read off the training log. ' +
    'Here every set-up is measured on training frames and on subjects it never saw (validation, test):';
  return [
    intro,
    rows.length ? table(['model', 'set-up', 'training accuracy', 'validation accuracy', 'test accuracy'], rows) : '',
    ...sources,
    b.chapterFigures('04'),
    b.chapterFigures('05'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function sweepSection(b: Builder): string | undefined {
  const parts: string[] = [];
  const s = b.inputs.sweep;
  if (s) {
    const col = (re: RegExp) => s.header.findIndex((h) => re.test(h));
    // A `rank` column is the chapter's own ranking; otherwise the best validation accuracy (or loss).
    let key = col(/^rank$/i);
    let descending = false;
    if (key < 0) {
      key = col(/^val.*acc|valAcc|val_acc|validation.*acc/i);
      descending = true;
    }
    if (key < 0) {
      key = col(/^val.*loss|valLoss|val_loss|validation.*loss/i);
      descending = false;
    }
    const rows = [...s.rows];
    if (key >= 0) rows.sort((a, c) => (descending ? Number(c[key]) - Number(a[key]) : Number(a[key]) - Number(c[key])));
    const top = rows.slice(0, 10);
    const columns = s.header.slice(0, 12);
    parts.push(
      `${s.rows.length} runs in [sweep.csv](sweep.csv)${key >= 0 ? `; the best 10 by ${s.header[key]}` : '; the first 10'}:`,
    );
    parts.push(
      table(
        columns,
        top.map((r) =>
          columns.map((_, i) => {
            const v = r[i] ?? '';
            const n = Number(v);
            return v !== '' && Number.isFinite(n) && !Number.isInteger(n) ? n.toFixed(4) : v;
          }),
        ),
      ),
    );
  }
  for (const r of b.results('06')) {
    const chosen =
      chosenLine(r.data) ?? (r.data.hyperparams ? `Chosen: \`${JSON.stringify(r.data.hyperparams)}\`` : undefined);
    if (chosen) parts.push(chosen);
    if (!s) {
      const rows = mainRows(r.data);
      if (rows) parts.push(genericTable(rows, 10));
    }
  }
  if (parts.length === 0) return undefined;
  return [...parts, b.chapterFigures('06')].filter(Boolean).join('\n\n');
}

function evaluationSection(b: Builder): string | undefined {
  const e = b.results('07')[0]?.data;
  if (!e?.models) return undefined;
  const rows: unknown[][] = [];
  for (const task of ['ternary', 'binary']) {
    const m = e.models[task];
    if (!m) continue;
    const ep = m.epochs ?? {};
    rows.push([
      task === 'ternary' ? '3-way' : 'binary',
      pct(m.accuracy?.train),
      pct(m.accuracy?.val),
      pct(m.accuracy?.test),
      pct(m.balancedAccuracy?.test),
      ep.trained !== undefined ? `${ep.trained} (best ${ep.best}, ${ep.stoppedBy})` : '–',
    ]);
  }
  const perClass: unknown[][] = [];
  for (const task of ['ternary', 'binary']) {
    const pc = e.models[task]?.test?.perClass;
    if (pc)
      for (const [c, v] of Object.entries<Json>(pc))
        perClass.push([
          task === 'ternary' ? '3-way' : 'binary',
          c,
          pct(v.precision),
          pct(v.recall),
          isNum(v.f1) ? v.f1.toFixed(3) : '–',
          v.support,
        ]);
  }
  const confusion = b.chapterFigures('07', (n) => /confusion/.test(n));
  return [
    `Trained once on the training split (original frames + augmented variants) with the chosen set-up; features \`${JSON.stringify(e.features ?? {})}\`.`,
    table(
      ['model', 'training accuracy', 'validation accuracy', 'test accuracy', 'test balanced accuracy', 'epochs'],
      rows,
    ),
    perClass.length ? table(['model', 'class', 'precision', 'recall', 'F1', 'test frames'], perClass) : '',
    confusion,
    b.chapterFigures('07', (n) => /curve/.test(n)),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function thresholdsSection(b: Builder): string | undefined {
  const t = b.results('07')[0]?.data?.thresholds;
  if (!t) return undefined;
  const rows: unknown[][] = [];
  const actionRow = (model: string, setting: string, split: string, m: Json, actions: string[]) => {
    if (!m) return;
    const f1 = actions.map((a) => m.perClass?.[a]?.f1).filter(isNum);
    rows.push([
      model,
      setting,
      split,
      ...['punch', 'kick'].flatMap((a) =>
        actions.includes(a) ? [pct(m.perClass?.[a]?.precision), pct(m.perClass?.[a]?.recall)] : ['–', '–'],
      ),
      f1.length ? num(f1.reduce((x, y) => x + y, 0) / f1.length) : '–',
    ]);
  };
  const fmt = (x: Json) => (x && isNum(x.any) ? `any ${x.any}, action ${x.action}` : isNum(x) ? String(x) : '–');
  for (const split of ['val', 'test']) {
    actionRow('3-way', `article (${fmt(t.article)})`, split, t.ternary?.[split]?.article, ['punch', 'kick']);
    actionRow('3-way', `chosen (${fmt(t.chosen)})`, split, t.ternary?.[split]?.chosen, ['punch', 'kick']);
    actionRow('binary', `article (${fmt(t.binary?.article)})`, split, t.binaryActions?.[split]?.article, ['punch']);
    actionRow('binary', `chosen (${fmt(t.binary?.chosen)})`, split, t.binaryActions?.[split]?.chosen, ['punch']);
  }
  return [
    `The game acts on thresholds, not on the arg-max. Chosen on the validation split by the rule: *${t.rule ?? '–'}*.` +
      (t.constrained === false ? ' (No grid point met the constraint; the best F1 was taken.)' : ''),
    `**3-way: ${fmt(t.chosen)}** (article: ${fmt(t.article)}); **binary: punch at ${fmt(t.binary?.chosen)}** (article: ${fmt(t.binary?.article)}).`,
    table(
      ['model', 'thresholds', 'split', 'punch precision', 'punch recall', 'kick precision', 'kick recall', 'action F1'],
      rows,
    ),
    b.chapterFigures('07', (n) => /threshold/.test(n)),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function exportSection(b: Builder): string | undefined {
  const x = b.results('08')[0]?.data;
  if (!x?.models) return undefined;
  const rows: unknown[][] = [];
  const ships: string[] = [];
  for (const task of ['ternary', 'binary']) {
    const m = x.models[task];
    if (!m) continue;
    for (const v of m.variants ?? []) {
      rows.push([
        task === 'ternary' ? '3-way' : 'binary',
        v.format + (m.shipped?.format === v.format ? ' (ships)' : ''),
        bytes(v.weightBytes),
        pct(v.accuracy?.val),
        pct(v.accuracy?.test),
        num(v.actionF1),
        pct(v.classAgreement),
        pct(v.actionAgreement),
        isNum(v.maxAbsDiff) ? v.maxAbsDiff.toExponential(1) : '–',
      ]);
    }
    if (m.shipped) {
      const r = m.reload ?? {};
      ships.push(
        `- \`${m.shipped.dir}\`: ${m.shipped.format}, ${bytes(m.shipped.folderBytes)} in all; reloaded = measured: ${r.identical ?? '–'}; ` +
          `end to end from JPEG vs cached features: max |Δp| ${isNum(r.endToEnd?.maxAbsDiff) ? r.endToEnd.maxAbsDiff.toExponential(1) : '–'}.`,
      );
    }
  }
  const mn = x.mobilenet;
  return [
    'TensorFlow.js layers format (`model.json` + `weights.bin`) plus `metadata.json` (classes, MobileNet alpha / layer / input size, preprocessing, thresholds, training-data hash, metrics, backend). ' +
      'Each weight format was saved, loaded back and measured against the float32 model:',
    table(
      [
        'model',
        'weights',
        'size',
        'validation accuracy',
        'test accuracy',
        'action F1 (test)',
        'same class',
        'same action',
        'max |Δp|',
      ],
      rows,
    ),
    x.rule ? `Rule: *${x.rule}*.` : '',
    ships.join('\n'),
    mn
      ? `For scale: the game also loads MobileNet v1 alpha ${mn.alpha} (${Array.isArray(mn.inputSize) ? mn.inputSize.join('x') : ''}, cut at ${mn.layer})${isNum(mn.bytes) ? `, ${bytes(mn.bytes)}` : ''}.`
      : '',
    b.chapterFigures('08'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function environmentSection(b: Builder): string | undefined {
  const source = [...b.inputs.results].reverse().find((r) => r.data?.environment);
  const env = source?.data.environment;
  if (!env) return undefined;
  const versions =
    env.versions && typeof env.versions === 'object'
      ? Object.entries<string>(env.versions)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')
      : '–';
  return [
    table(
      ['', ''],
      [
        ['backend', env.backend ?? '–'],
        ['versions', versions],
        ['node', env.node ?? '–'],
        ['platform', env.platform ?? '–'],
        ['CPU', env.cpu ? `${env.cpu} (${env.cores ?? '?'} cores)` : '–'],
        ['memory', isNum(env.memoryGiB) ? `${env.memoryGiB.toFixed(0)} GiB` : '–'],
      ],
    ),
    `(as recorded by ${source!.name})`,
  ].join('\n\n');
}

function timingsSection(b: Builder): string | undefined {
  const rows: unknown[][] = [];
  let total = 0;
  for (const r of b.inputs.results) {
    const s = secondsOf(r.data);
    if (s === undefined) continue;
    total += s;
    const parts =
      r.data.seconds && typeof r.data.seconds === 'object'
        ? Object.entries<Json>(r.data.seconds)
            .filter(([k, v]) => k !== 'total' && isNum(v))
            .map(([k, v]) => `${k} ${seconds(v)}`)
            .join(', ')
        : '';
    rows.push([r.name, seconds(s), parts || '–']);
  }
  if (rows.length === 0) return undefined;
  rows.push(['**all**', `**${seconds(total)}**`, '']);
  return table(['stage', 'time', 'parts'], rows);
}

function otherFigures(b: Builder): string | undefined {
  const rest = b.inputs.figures.filter((f) => !b.usedFigures.has(f));
  if (rest.length === 0) return undefined;
  return rest
    .map(
      (f) =>
        `- [${f}](${link('figures', `${f}.png`)})${b.inputs.htmlFigures.has(f) ? ` ([interactive](${link('figures', `${f}.html`)}))` : ''}`,
    )
    .join('\n');
}

export function renderPage(inputs: PageInputs): Page {
  const b = new Builder(inputs);
  b.add('Dataset', datasetSection(b));
  b.add(
    'Frames per class',
    imagesSection('contact-sheets', inputs.contactSheets, 'Contact sheets of the dataset, one per class:'),
  );
  b.add(
    'Augmentation',
    imagesSection(
      'augmentation',
      inputs.augmentation,
      "The article's augmentation pipeline (chapter 02): each augmenter alone, and 16 variants of one frame per class:",
    ),
  );
  b.add('Layer choice', layerSection(b));
  b.add('Article vs corrected', comparisonSection(b));
  b.add('Hyper-parameter sweep', sweepSection(b));
  b.add('Final models on the test split', evaluationSection(b));
  b.add('Game thresholds', thresholdsSection(b));
  b.add('Exported models', exportSection(b));
  b.add('Environment', environmentSection(b));
  b.add('Timings', timingsSection(b));
  b.add('Other figures', otherFigures(b));
  const header = [
    '# kombat: results',
    '',
    'Generated by `npx kombat report` from the files in this folder (chapters write them; see the [notebooks](../notebooks)). ' +
      'Figures link to interactive versions. Sections appear as the chapters that produce them have run.',
  ];
  if (b.sections.length === 0) header.push('', 'No results yet: run the notebooks (`make all`).');
  else
    header.push(
      '',
      b.sections
        .map(
          (s) =>
            `- [${s.title}](#${s.title
              .toLowerCase()
              .replace(/[^a-z0-9 -]/g, '')
              .replace(/ /g, '-')})`,
        )
        .join('\n'),
    );
  const markdown = `${[...header, ...b.sections.map((s) => `\n## ${s.title}\n\n${s.body}`)].join('\n')}\n`;
  return { markdown, sections: b.sections.map((s) => s.title) };
}

export async function buildResultsPage(dir: string = settings().reportsDir): Promise<Page> {
  return renderPage(await readPageInputs(dir));
}

/** Writes `<dir>/README.md` atomically; returns its path and sections. */
export async function writeResultsPage(dir: string = settings().reportsDir): Promise<Page & { file: string }> {
  const page = await buildResultsPage(dir);
  const file = path.join(dir, 'README.md');
  await writeFileAtomic(file, page.markdown);
  return { ...page, file };
}
