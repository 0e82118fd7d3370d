// The results page, <reports>/README.md: what a reader opens first. Built from what the chapters
// left in the reports folder: the dataset card, the typed results of every chapter (./files.ts),
// figures/*.png (+ .html), augmentation/*.jpg, contact-sheets/*.jpg and sweep.csv. It works at any
// stage: a section whose chapter has not run is left out. Images are relative links (PNG/JPEG), so
// the page renders on any Git host; each figure links to its interactive HTML version when there
// is one.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Environment } from '../backend';
import type { DatasetCard } from '../data/card';
import { SPLITS } from '../data/split';
import type { Task } from '../data/tasks';
import type { BinaryThresholds, TernaryThresholds } from '../decision';
import type { MetricsSummary } from '../eval/metrics';
import { settings } from '../settings';
import { STRIKE_SEEN, type StrikeGame, type StrikeSeen } from '../transfer/strikes';
import { claimOutput, exists, type FolderKind, readJsonIfPresent, writeFileAtomic } from '../util/fs';
import { markdownTable } from '../util/markdown';
import { CHAPTERS, type Chapter } from './common';
import { type ChapterResults, type ResultsByChapter, readResults } from './files';
import { HOLD_LIMITS, type HoldCheck, SETTINGS } from './playing';
import type { SetupComparison } from './setups';
import type { MethodRow, SyntheticToRealResults } from './synthetic-to-real';
import { type ChapterTiming, readChapterTimings } from './timings';

export interface PageInputs {
  dir: string;
  dataset?: DatasetCard;
  results: Partial<ResultsByChapter>;
  /** Figure names (without extension) that have a PNG in figures/. */
  figures: string[];
  htmlFigures: Set<string>;
  augmentation: string[];
  contactSheets: string[];
  /** reports/sweep.csv: header and rows as text. */
  sweep?: { header: string[]; rows: string[][] };
  /** reports/notebooks/timings.csv: each chapter's latest run by `make all`. */
  chapterTimings?: ChapterTiming[];
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

export async function readPageInputs(dir: string): Promise<PageInputs> {
  const figureFiles = await listFiles(path.join(dir, 'figures'), /\.(png|html)$/);
  const figures = figureFiles.filter((f) => f.endsWith('.png')).map((f) => f.replace(/\.png$/, ''));
  const htmlFigures = new Set(figureFiles.filter((f) => f.endsWith('.html')).map((f) => f.replace(/\.html$/, '')));
  const sweepText = await fs.readFile(path.join(dir, 'sweep.csv'), 'utf8').catch(() => undefined);
  const sweepRows = sweepText ? (parse(sweepText, { skip_empty_lines: true }) as string[][]) : [];
  return {
    dir,
    dataset: await readJsonIfPresent<DatasetCard>(path.join(dir, 'dataset.json')),
    results: await readResults(dir),
    figures,
    htmlFigures,
    augmentation: await listFiles(path.join(dir, 'augmentation'), /\.(jpe?g|png)$/i),
    contactSheets: await listFiles(path.join(dir, 'contact-sheets'), /\.(jpe?g|png)$/i),
    sweep: sweepRows.length > 1 ? { header: sweepRows[0], rows: sweepRows.slice(1) } : undefined,
    chapterTimings: await readChapterTimings(dir),
  };
}

// ---- formatting -------------------------------------------------------------------------------

const pct = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '–';
const fixed = (v: number | null | undefined, digits = 3) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
const model = (task: Task) => (task === 'ternary' ? '3-way' : 'binary');
const link = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

function duration(s: number): string {
  if (s < 90) return `${s.toFixed(1)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

function bytes(b: number | null): string {
  if (b === null) return '–';
  return b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(0)} kB`;
}

const ternaryText = (t: TernaryThresholds) => `other ${t.other}, action ${t.action}`;
const binaryText = (t: BinaryThresholds) => `punch ${t.punch}`;

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
    if (body?.trim()) this.sections.push({ title, body: body.trim() });
  }

  figure(name: string): string | undefined {
    if (!this.inputs.figures.includes(name)) return undefined;
    this.usedFigures.add(name);
    const img = `![${name}](${link('figures', `${name}.png`)})`;
    return this.inputs.htmlFigures.has(name) ? `[${img}](${link('figures', `${name}.html`)})` : img;
  }

  /** Figures of a chapter: those its results name first, then any other `NN-*` figure not shown yet. */
  chapterFigures(chapter: Chapter, only?: (name: string) => boolean): string {
    const named = this.inputs.results[chapter]?.figures ?? [];
    const prefixed = this.inputs.figures.filter((f) => f.startsWith(`${chapter.slice(0, 2)}-`));
    const names = [...new Set([...named, ...prefixed])].filter((n) => !this.usedFigures.has(n) && (!only || only(n)));
    return names
      .map((n) => this.figure(n))
      .filter(Boolean)
      .join('\n\n');
  }
}

const source = (chapter: Chapter) => `(from [results/${chapter}.json](${link('results', `${chapter}.json`)}))`;

function datasetSection(b: Builder): string | undefined {
  const d = b.inputs.dataset;
  if (!d) return undefined;
  const lines = [
    `**${d.name}** (${d.dir}): ${d.source}.`,
    `${d.total} frames of ${d.classes.join(' / ')}, ${d.subjects.length} subjects, split by subject. ` +
      'Full card: [dataset.md](dataset.md).',
  ];
  const splits = d.splits;
  if (splits) {
    const rows = SPLITS.map((s) => [
      s,
      splits[s].subjects.join(', '),
      ...d.classes.map((c) => splits[s].counts[c]),
      splits[s].total,
    ]);
    lines.push('', markdownTable(['split', 'subjects', ...d.classes, 'total'], rows));
  }
  const x = d.extraction;
  if (x)
    lines.push(
      '',
      `Extraction: ${x.recordings} recordings at ${x.fps ?? '?'} fps gave ${x.frames} labelled frames ` +
        `(${x.ambiguous} ambiguous frames left out).`,
    );
  const c = d.cleaning;
  if (c) {
    const reasons = Object.entries(c.byReason)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(
      `Cleaning dropped ${c.dropped} of ${c.before} (${reasons}); balancing then kept the same number of frames ` +
        'per class in each split.',
    );
  }
  if (d.smoke) lines.push('', '*Smoke run: a tiny dataset; the numbers on this page are not results.*');
  return lines.join('\n');
}

function imagesSection(folder: string, files: string[], intro: string): string | undefined {
  if (files.length === 0) return undefined;
  const images = files.map((f) => `**${f.replace(/\.[a-z]+$/i, '')}**\n\n![${f}](${link(folder, f)})\n`);
  return [intro, '', ...images].join('\n');
}

function layerSection(b: Builder): string | undefined {
  const r = b.inputs.results['03-layer-choice'];
  if (!r) return undefined;
  const table = markdownTable(
    ['input', 'layer', 'features', 'M mult-adds', 'ms/image', 'train acc.', 'val acc.', 'val bal. acc.', 'test acc.'],
    r.rows.map((x) => [
      x.input,
      x.layer,
      x.featureSize,
      x.megaMultiplyAdds.toFixed(0),
      x.msPerImage.toFixed(1),
      pct(x.trainAccuracy),
      pct(x.valAccuracy),
      pct(x.valBalancedAccuracy),
      pct(x.testAccuracy),
    ]),
  );
  const chosen = r.choice.chosen;
  const choice =
    `Chosen: **${chosen.inputSize[0]}x${chosen.inputSize[1]} ${chosen.fit}, ${chosen.layer}** ` +
    `(best on validation: ${r.choice.best.input} ${r.choice.best.layer}) — rule: *${r.choice.rule}*`;
  return [table, choice, source(r.chapter), b.chapterFigures(r.chapter)].join('\n\n');
}

function comparisonSection(b: Builder): string | undefined {
  const comparisons = [b.inputs.results['04-binary'], b.inputs.results['05-ternary']].filter(
    (r): r is SetupComparison => r !== undefined,
  );
  const rows: (string | number)[][] = comparisons.flatMap((r) =>
    r.runs.map((x) => [
      model(x.task),
      `${x.name} (${x.epochs} epochs)`,
      pct(x.metrics.train.accuracy),
      pct(x.metrics.val.accuracy),
      pct(x.metrics.test.accuracy),
    ]),
  );
  const e = b.inputs.results['07-evaluation'];
  if (e) {
    for (const task of ['binary', 'ternary'] as const) {
      const m = e.models[task];
      rows.push([model(task), 'final (chapter 07)', pct(m.accuracy.train), pct(m.accuracy.val), pct(m.accuracy.test)]);
    }
  }
  if (rows.length === 0) return undefined;
  const intro =
    'The article reported about 92% — accuracy on its own **training** data, read off the training log. ' +
    'Here every set-up is measured on training frames and on subjects it never saw (validation, test):';
  return [
    intro,
    markdownTable(['model', 'set-up', 'training accuracy', 'validation accuracy', 'test accuracy'], rows),
    ...comparisons.map((r) => source(r.chapter)),
    b.chapterFigures('04-binary'),
    b.chapterFigures('05-ternary'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function sweepSection(b: Builder): string | undefined {
  const parts: string[] = [];
  const s = b.inputs.sweep;
  if (s) {
    // The chapter's own ranking (rank 1 first) when the table has one, else the file's order.
    const rank = s.header.indexOf('rank');
    const rows = rank < 0 ? s.rows : [...s.rows].sort((a, c) => Number(a[rank]) - Number(c[rank]));
    const columns = s.header.slice(0, 12);
    const cell = (v = '') => {
      const n = Number(v);
      return v !== '' && Number.isFinite(n) && !Number.isInteger(n) ? n.toFixed(4) : v;
    };
    parts.push(`${s.rows.length} runs in [sweep.csv](sweep.csv)${rank < 0 ? '; the first 10' : '; the best 10'}:`);
    parts.push(
      markdownTable(
        columns,
        rows.slice(0, 10).map((r) => columns.map((_, i) => cell(r[i]))),
      ),
    );
  }
  const r = b.inputs.results['06-sweeps'];
  if (r) {
    const h = r.chosen.hyperparams;
    parts.push(
      `Chosen (trial ${r.chosen.trial}): learning rate ${h.learningRate}, ${h.hidden} hidden units, dropout ` +
        `${h.dropout}, batches of ${h.batchSize} — rule: *${r.rule.description}*; then *${r.chosen.rule}*.`,
      source(r.chapter),
    );
  }
  if (parts.length === 0) return undefined;
  return [...parts, b.chapterFigures('06-sweeps')].filter(Boolean).join('\n\n');
}

function evaluationSection(b: Builder): string | undefined {
  const e = b.inputs.results['07-evaluation'];
  if (!e) return undefined;
  const tasks = ['ternary', 'binary'] as const;
  const rows = tasks.map((task) => {
    const m = e.models[task];
    return [
      model(task),
      pct(m.accuracy.train),
      pct(m.accuracy.val),
      pct(m.accuracy.test),
      pct(m.balancedAccuracy.test),
      `${m.epochs.trained} (best ${m.epochs.best}, ${m.epochs.stoppedBy})`,
    ];
  });
  const perClass = tasks.flatMap((task) =>
    Object.entries(e.models[task].test.perClass).map(([c, v]) => [
      model(task),
      c,
      pct(v.precision),
      pct(v.recall),
      fixed(v.f1),
      v.support,
    ]),
  );
  const f = e.features;
  return [
    'Trained once on the training split (original frames + augmented variants) with the chosen set-up: ' +
      `MobileNet v1 alpha ${f.alpha}, ${f.inputSize[0]}x${f.inputSize[1]} ${f.fit}, ${f.layer}.`,
    markdownTable(
      ['model', 'training accuracy', 'validation accuracy', 'test accuracy', 'test balanced accuracy', 'epochs'],
      rows,
    ),
    markdownTable(['model', 'class', 'precision', 'recall', 'F1', 'test frames'], perClass),
    b.chapterFigures(e.chapter, (n) => /confusion/.test(n)),
    b.chapterFigures(e.chapter, (n) => /curve/.test(n)),
    source(e.chapter),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function thresholdsSection(b: Builder): string | undefined {
  const e = b.inputs.results['07-evaluation'];
  if (!e) return undefined;
  const t = e.thresholds;
  const rows: (string | number)[][] = [];
  const actionRow = (name: string, setting: string, split: string, m: MetricsSummary, actions: string[]) => {
    const f1 = actions.map((a) => m.perClass[a].f1);
    rows.push([
      name,
      setting,
      split,
      ...['punch', 'kick'].flatMap((a) =>
        actions.includes(a) ? [pct(m.perClass[a].precision), pct(m.perClass[a].recall)] : ['–', '–'],
      ),
      fixed(f1.reduce((x, y) => x + y, 0) / f1.length),
    ]);
  };
  const { article, chosen, actions } = t;
  for (const split of ['val', 'test'] as const) {
    const ternary = actions.ternary[split];
    const binary = actions.binary[split];
    actionRow('3-way', `article (${ternaryText(article.ternary)})`, split, ternary.article, ['punch', 'kick']);
    actionRow('3-way', `chosen (${ternaryText(chosen.ternary)})`, split, ternary.chosen, ['punch', 'kick']);
    actionRow('binary', `article (${binaryText(article.binary)})`, split, binary.article, ['punch']);
    actionRow('binary', `chosen (${binaryText(chosen.binary)})`, split, binary.chosen, ['punch']);
  }
  const unconstrained = (['ternary', 'binary'] as const).filter((task) => !t.constrained[task]);
  return [
    "The game acts on thresholds, not on the arg-max. The article's rule, every 100 ms: **no action when " +
      '"other" reaches its threshold**; else kick when kick beats punch and reaches the action threshold; else ' +
      'punch likewise; the binary model punches when its output reaches its threshold.',
    `Chosen on the validation split by the rule: *${t.rule}*.` +
      (unconstrained.length === 0
        ? ''
        : ` (No grid point met the constraint for ${unconstrained.map(model).join(' and ')}: the best F1 was taken.)`),
    `**3-way: ${ternaryText(chosen.ternary)}** (article: ${ternaryText(article.ternary)}); ` +
      `**binary: ${binaryText(chosen.binary)}** (article: ${binaryText(article.binary)}).`,
    markdownTable(
      ['model', 'thresholds', 'split', 'punch precision', 'punch recall', 'kick precision', 'kick recall', 'action F1'],
      rows,
    ),
    b.chapterFigures(e.chapter, (n) => /threshold/.test(n)),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function exportSection(b: Builder): string | undefined {
  const x = b.inputs.results['08-export'];
  if (!x) return undefined;
  const tasks = ['ternary', 'binary'] as const;
  const rows = tasks.flatMap((task) => {
    const m = x.models[task];
    return m.variants.map((v) => [
      model(task),
      v.format + (m.shipped.format === v.format ? ' (ships)' : ''),
      bytes(v.weightBytes),
      pct(v.accuracy.val),
      pct(v.accuracy.test),
      fixed(v.actionF1),
      pct(v.classAgreement),
      pct(v.actionAgreement),
      v.maxAbsDiff.toExponential(1),
    ]);
  });
  const ships = tasks.map((task) => {
    const { shipped, reload } = x.models[task];
    return (
      `- \`${shipped.dir}\`: ${shipped.format}, ${bytes(shipped.folderBytes)} in all; reloaded = measured: ` +
      `${reload.identical}; end to end from JPEG vs cached features: max |Δp| ` +
      `${reload.endToEnd.maxAbsDiff.toExponential(1)}.`
    );
  });
  const mn = x.mobilenet;
  return [
    'TensorFlow.js layers format (`model.json` + `weights.bin`) plus `metadata.json` (classes, MobileNet alpha / ' +
      'layer / input size, preprocessing, thresholds, training-data hash, metrics, backend). Each weight format was ' +
      'saved, loaded back and measured against the float32 model:',
    markdownTable(
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
    `Rule: *${x.rule}*.`,
    ships.join('\n'),
    `For scale: the game also loads MobileNet v1 alpha ${mn.alpha} (${mn.inputSize.join('x')}, cut at ${mn.layer})` +
      (mn.bytes === null ? '.' : `, ${bytes(mn.bytes)}.`),
    b.chapterFigures(x.chapter),
    source(x.chapter),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Issue 12's fourth round on the held-out clips, as registered. */
function holdText(checks: Record<Task, HoldCheck>): string {
  const pair = (p: { chosen: number; held: number }) => `${pct(p.chosen)} → ${pct(p.held)}`;
  const delay = (d: number | null) => (d === null ? '–' : `${d.toFixed(2)} s`);
  const tasks = ['ternary', 'binary'] as const;
  const lines = tasks.map((task) => {
    const c = checks[task];
    return (
      `- ${model(task)}: punches answered ${pair(c.punchAnswered)}` +
      (c.kickAnswered ? `, kicks answered ${pair(c.kickAnswered)}` : '') +
      `, median delay ${delay(c.medianDelay.chosen)} → ${delay(c.medianDelay.held)}: ` +
      `${c.kept ? 'within' : '**outside**'} the limits`
    );
  });
  return [
    `The hold issue 12's fourth round tried (registered in the README before it was measured: kept if, against ` +
      `each prediction on its own, every default model loses at most ${100 * HOLD_LIMITS.punchPoints} points of ` +
      `punches answered and ${100 * HOLD_LIMITS.kickPoints} of kicks, and at most ${HOLD_LIMITS.delaySeconds} s of ` +
      'median delay):',
    lines.join('\n'),
    tasks.every((t) => checks[t].kept)
      ? 'Every model is within the limits.'
      : 'Not every model is within the limits: by the registered rule, the hold is not kept.',
  ].join('\n\n');
}

function playingSection(b: Builder): string | undefined {
  const p = b.inputs.results['10-playing'];
  if (!p) return undefined;
  const minutes = p.clips.reduce((sum, c) => sum + c.seconds, 0) / 60;
  const strikes = (kind: 'punch' | 'kick') => p.clips.reduce((sum, c) => sum + c.strikes[kind], 0);
  const rows = (['ternary', 'binary'] as const).flatMap((task) =>
    SETTINGS.map((setting) => {
      const { rule, score, hold } = p.models[task].played[setting];
      const t = rule.task === 'ternary' ? ternaryText(rule.thresholds) : binaryText(rule.thresholds);
      const s = score.strikes;
      const delay = s.all.delay === null ? '–' : `${s.all.delay.median.toFixed(2)} s`;
      return [
        model(task),
        `${setting === 'article' ? 'article' : 'chosen'} (${t})`,
        hold === 1 ? 'each prediction' : `${hold} in a row`,
        `${pct(s.punch.hitRate)} / ${pct(s.punch.answeredRate)}`,
        `${pct(s.kick.hitRate)} / ${pct(s.kick.answeredRate)}`,
        delay,
        fixed(s.all.wrongPerStrike, 2),
        fixed(score.actionsPerOtherMinute, 1),
        fixed(score.movesPerOtherMinute, 1),
      ];
    }),
  );
  return [
    `The exported models drive the game over whole recordings of the test split's people (${p.subjects.join(', ')}): ` +
      `${p.clips.length} clips, ${minutes.toFixed(1)} minutes, ${strikes('punch')} punches and ${strikes('kick')} ` +
      `kicks, every frame at ${p.fps} per second through the features each model's metadata declares, the head and ` +
      'the decision rule. How it is counted:',
    p.definitions.map((d) => `- ${d}`).join('\n'),
    markdownTable(
      [
        'model',
        'thresholds',
        'action fires after',
        'punches hit / answered',
        'kicks hit / answered',
        'median delay',
        'wrong actions per strike',
        'actions per minute of "other"',
        'moves started per minute of "other"',
      ],
      rows,
    ),
    holdText(p.holdCheck),
    b.chapterFigures(p.chapter),
    source(p.chapter),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function realSection(b: Builder): string | undefined {
  const x = b.inputs.results['09-synthetic-to-real'];
  if (!x) return undefined;
  const real = x.realFrames;
  const rooms = (m: MethodRow) =>
    Object.entries(m.real?.bySubject ?? {})
      .map(([k, v]) => `${k} ${fixed(v.balancedAccuracy)}`)
      .join(', ') || '–';
  const name = (m: MethodRow) =>
    m.id === x.choice.id ? `**${m.id}** (chosen)` : m.task === 'binary' ? `${m.id} (punch vs. not; not ranked)` : m.id;
  const rows = x.methods.map((m) => [
    name(m),
    `${pct(m.synthetic.test)}${m.task === 'binary' ? ' (binary)' : ''}`,
    fixed(m.webcamTest.balancedAccuracy),
    m.webcamTestFramed ? fixed(m.webcamTestFramed.balancedAccuracy) : '–',
    fixed(m.real?.balancedAccuracy),
    m.real ? JSON.stringify(m.real.confusionMatrix) : '–',
    rooms(m),
    m.msPerFrame ? `${m.msPerFrame.median.toFixed(0)} ms` : '–',
  ]);
  const exported = Object.entries(x.exported).map(([task, e]) => {
    const r = e.real;
    const game = r
      ? `; real frames punch vs. not punch balanced ${fixed(r.balancedAccuracy)}, the game's rule fires a punch on ` +
        `${pct(r.punchFramesFiringPunch)} of punch frames and acts on ${pct(r.otherFramesFiringAnything)} of the ` +
        `others (with the fourth round's hold, not used by the page: ${pct(r.held.punchFramesFiringPunch)} and ` +
        `${pct(r.held.otherFramesFiringAnything)})${strikeGameText(r.byStrike)}`
      : '';
    return (
      `- \`${e.dir}\` (${model(task as Task)}, ${e.features.kind} features, ${e.format}): ` +
      `synthetic test ${pct(e.syntheticTest)}${game}`
    );
  });
  const intro = real
    ? `Every method trained on synthetic frames only, then scored once on ${real.frames} real webcam frames ` +
      `(${real.name}: ${real.punch} punch, ${real.frames - real.punch} not punch; a 3-way model's arg-max folded ` +
      'to punch vs. not punch). The synthetic test split is the built-in one (3-way accuracy); "webcam renders" is ' +
      'punch vs. not punch on the webcam-style renders\' held-out people, "framed" the same people cut off as a ' +
      'webcam frames them (pose methods only); "rooms" is the real frames per recording room.'
    : 'No real frames in this run: the methods compared on synthetic data only (set KOMBAT_REAL_DATA=<folder>).';
  return [
    intro,
    markdownTable(
      [
        'method',
        'synthetic test (3-way)',
        'webcam renders (balanced)',
        'framed (balanced)',
        'real frames (balanced)',
        'real confusion [[not], [punch]]',
        'rooms (balanced)',
        'per frame',
      ],
      rows,
    ),
    `Choice (${x.choice.by}): *${x.rule}*` +
      ('fifthRoundBar' in x.choice ? ` The fifth round had to beat ${fixed(x.choice.fifthRoundBar)}.` : ''),
    exported.join('\n'),
    strikesText(x),
    b.chapterFigures(x.chapter),
    source(x.chapter),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** The game's punches on real frames by what the frames show (chapter 09's annotations), where there are any. */
function strikeGameText(byStrike: { each: StrikeGame; held: StrikeGame } | null): string {
  if (!byStrike) return '';
  const fired = (g: StrikeGame) =>
    `${pct(g.punchFired.strike)} of the strike frames, ${pct(g.punchFired.partial)} of the partial ones and ` +
    `${pct(g.punchFired.none)} of those with no arm out`;
  return `; by what the punch frames show, it fires a punch on ${fired(byStrike.each)} (held: ${fired(byStrike.held)})`;
}

/** The real punch frames split by what they show (chapter 09's annotations), where there are annotations. */
function strikesText(x: SyntheticToRealResults): string | undefined {
  const s = x.diagnosis.strikes;
  if (!s) return undefined;
  const punch = s.counts.strike + s.counts.partial + s.counts.none;
  const kind = (k: StrikeSeen) => (k === 'none' ? 'no-arm-out' : k);
  const rows = x.methods.map((m) => {
    const b = s.methods[m.id];
    return [
      m.id,
      ...STRIKE_SEEN.map((k) => pct(b.punchCalled[k])),
      pct(b.otherCalledPunch),
      fixed(b.armOutBalanced),
      fixed(m.real?.balancedAccuracy),
    ];
  });
  return [
    `What the ${punch} real punch frames show, by one look at each (\`${s.file}\`; diagnosis, not read by the ` +
      `rule): a strike ${s.counts.strike}, an arm on its way out or back ${s.counts.partial}, no arm out (guard) ` +
      `${s.counts.none}. A model that fires exactly where an arm is out and never on the other frames scores ` +
      `${fixed(s.ceiling)} balanced accuracy on these labels; more takes calling guards "punch". MoveNet's ` +
      'keypoints, which share no judgement with the annotator, put a wrist more than 0.8 torso lengths from its ' +
      `shoulder in ${STRIKE_SEEN.map((k) => `${pct(s.armOutIn2d[k])} of the ${kind(k)} frames`).join(', ')}. ` +
      "Each method's punch calls (arg-max, folded) split by it:",
    markdownTable(
      [
        'method',
        'strike → punch',
        'partial → punch',
        'no arm out → punch',
        'not punch → punch',
        'arm out vs. not punch (balanced)',
        'all (balanced)',
      ],
      rows,
    ),
  ].join('\n\n');
}

/** Results in chapter order. */
function allResults(b: Builder): ChapterResults[] {
  return CHAPTERS.flatMap((c) => {
    const r = b.inputs.results[c];
    return r ? [r] : [];
  });
}

function environmentSection(b: Builder): string | undefined {
  const latest = allResults(b).at(-1);
  if (!latest) return undefined;
  const env: Environment = latest.environment;
  const versions = Object.entries(env.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const table = markdownTable(
    ['', ''],
    [
      ['backend', env.backend],
      ['versions', versions],
      ['node', env.node],
      ['platform', env.platform],
      ['CPU', `${env.cpu} (${env.cores} cores)`],
      ['memory', `${env.memoryGiB.toFixed(0)} GiB`],
    ],
  );
  return [table, `(as recorded by ${latest.chapter})`].join('\n\n');
}

function timingsSection(b: Builder): string | undefined {
  const results = allResults(b);
  if (results.length === 0) return undefined;
  const rows = results.map((r) => {
    const parts = Object.entries(r.seconds)
      .filter(([k]) => k !== 'total')
      .map(([k, v]) => `${k} ${duration(v)}`)
      .join(', ');
    return [r.chapter, duration(r.seconds.total), parts || '–'];
  });
  const total = results.reduce((s, r) => s + r.seconds.total, 0);
  rows.push(['**all**', `**${duration(total)}**`, '']);
  return markdownTable(['stage', 'time', 'parts'], rows);
}

function chapterTimesSection(b: Builder): string | undefined {
  const rows = b.inputs.chapterTimings;
  if (!rows || rows.length === 0) return undefined;
  const total = rows.reduce((s, r) => s + r.seconds, 0);
  const table = markdownTable(
    ['chapter', 'time', 'load average (start → end)', 'cores', 'finished'],
    [
      ...rows.map((r) => [
        r.chapter,
        duration(r.seconds),
        `${r.loadStart.toFixed(2)} → ${r.loadEnd.toFixed(2)}`,
        r.cores,
        r.finished,
      ]),
      ['**all**', `**${duration(total)}**`, '', '', ''],
    ],
  );
  return [
    'Wall time of each chapter as `make all` last ran it ([notebooks/timings.csv](notebooks/timings.csv)), with ' +
      'the 1-minute load average when it started and ended: above the number of cores, the chapter shared ' +
      'the machine and its time is inflated.',
    table,
  ].join('\n\n');
}

function otherFigures(b: Builder): string | undefined {
  const rest = b.inputs.figures.filter((f) => !b.usedFigures.has(f));
  if (rest.length === 0) return undefined;
  return rest
    .map((f) => {
      const html = b.inputs.htmlFigures.has(f) ? ` ([interactive](${link('figures', `${f}.html`)}))` : '';
      return `- [${f}](${link('figures', `${f}.png`)})${html}`;
    })
    .join('\n');
}

const anchor = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');

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
  b.add('Synthetic to real', realSection(b));
  b.add('Playing', playingSection(b));
  b.add('Environment', environmentSection(b));
  b.add('Time per chapter', chapterTimesSection(b));
  b.add('Timings', timingsSection(b));
  b.add('Other figures', otherFigures(b));
  const header = [
    PAGE_TITLE,
    '',
    'Generated by `npx kombat report` from the files in this folder (chapters write them; see the ' +
      '[notebooks](../notebooks)). Figures link to interactive versions. Sections appear as the chapters that ' +
      'produce them have run.',
  ];
  if (b.sections.length === 0) header.push('', 'No results yet: run the notebooks (`make all`).');
  else header.push('', b.sections.map((s) => `- [${s.title}](#${anchor(s.title)})`).join('\n'));
  const markdown = `${[...header, ...b.sections.map((s) => `\n## ${s.title}\n\n${s.body}`)].join('\n')}\n`;
  return { markdown, sections: b.sections.map((s) => s.title) };
}

export async function buildResultsPage(dir: string = settings().reportsDir): Promise<Page> {
  return renderPage(await readPageInputs(dir));
}

const PAGE_TITLE = '# kombat: results';

/** Where the chapters write: results/, the dataset card, or a results page already. */
export const REPORTS_FOLDER: FolderKind = {
  name: 'a reports folder',
  sign: 'results/, dataset.json or a README.md that kombat report wrote',
  async is(dir) {
    if ((await exists(path.join(dir, 'results'))) || (await exists(path.join(dir, 'dataset.json')))) return true;
    const page = await fs.readFile(path.join(dir, 'README.md'), 'utf8').catch(() => '');
    return page.startsWith(`${PAGE_TITLE}\n`);
  },
};

/**
 * Writes `<dir>/README.md` atomically; returns its path and sections. A folder that is not a
 * reports folder is refused (its README.md is someone else's) unless `force`.
 */
export async function writeResultsPage(
  dir: string = settings().reportsDir,
  { force = false }: { force?: boolean } = {},
): Promise<Page & { file: string }> {
  const release = await claimOutput(dir, { kind: REPORTS_FOLDER, force, instead: 'pass another --reports' });
  try {
    const page = await buildResultsPage(dir);
    const file = path.join(dir, 'README.md');
    await writeFileAtomic(file, page.markdown);
    return { ...page, file };
  } finally {
    release();
  }
}
