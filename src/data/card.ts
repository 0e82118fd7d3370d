// The dataset card: what is in a dataset and how it was made, as reports/dataset.json (for code)
// and reports/dataset.md (for people). Counts per class, per subject and per split, and the
// smallest class of the training split (the project wants at least MIN_TRAIN_PER_CLASS there).
import * as path from 'node:path';
import sharp from 'sharp';
import { mapLimit } from '../pool/limit';
import { displayPath } from '../settings';
import { writeFileAtomic, writeJsonAtomic } from '../util/fs';
import { type ClassCounts, classCounts, formatCounts, type SplitBalance } from './balance';
import type { DropReason } from './clean';
import type { DatasetEntry } from './entries';
import { CLASSES, type ClassName } from './layout';
import { SPLITS, type Split, type SplitName, splitOf } from './split';

/** The project's acceptance criterion for a training split: at least this many images of every class. */
export const MIN_TRAIN_PER_CLASS = 150;

export interface CardCounts {
  counts: ClassCounts;
  total: number;
}

/** Frame extraction as the card records it. */
export interface CardExtraction {
  recordings: number;
  /** One rate for every recording, or null when they differ. */
  fps: number | null;
  frames: number;
  ambiguous: number;
  unlabelled: number;
  counts: ClassCounts;
}

export interface DatasetCard {
  name: string;
  dir: string;
  /** Where the images come from, in words. */
  source: string;
  /** Seed of every random choice (balancing, split), or null where none was made. */
  seed: number | null;
  smoke: boolean;
  classes: ClassName[];
  total: number;
  counts: ClassCounts;
  subjects: string[];
  perSubject: Record<string, CardCounts>;
  splits: Record<SplitName, CardCounts & { subjects: string[] }> | null;
  /** Images of the smallest class in the train split (null without a split); compare with MIN_TRAIN_PER_CLASS. */
  trainMinPerClass: number | null;
  /** Image sizes ("320x180") and how many images have each. */
  sizes: Record<string, number>;
  cleaning?: {
    before: number;
    dropped: number;
    byReason: Record<DropReason, number>;
    options: { nearThreshold: number; flatThreshold: number; thumbnail: string };
  };
  /** Balancing within each split (see balanceSplits): per split the count kept per class, its cap, counts. */
  balancing?: { seed: number; splits: Record<SplitName, SplitBalance> };
  /** Frame extraction: frames per class before cleaning, ambiguous and unlabelled frames skipped. */
  extraction?: CardExtraction;
  numbered: boolean;
}

export interface CardInput {
  name?: string;
  source: string;
  seed?: number | null;
  smoke?: boolean;
  split?: Split;
  cleaning?: DatasetCard['cleaning'];
  balancing?: DatasetCard['balancing'];
  extraction?: DatasetCard['extraction'];
  numbered?: boolean;
  /** Known sizes per file (e.g. from validation); others are read from the image headers. */
  dimensions?: Map<string, { width: number; height: number }>;
}

export async function makeCard(dir: string, entries: DatasetEntry[], input: CardInput): Promise<DatasetCard> {
  const subjects = [...new Set(entries.map((e) => e.subject))].sort();
  const perSubject: Record<string, CardCounts> = {};
  for (const s of subjects) perSubject[s] = withTotal(classCounts(entries.filter((e) => e.subject === s)));
  let splits: DatasetCard['splits'] = null;
  if (input.split) {
    const split = input.split;
    const outside = subjects.filter((s) => splitOf(split, s) === undefined);
    if (outside.length > 0) throw new Error(`subjects in no split: ${outside.join(', ')}`);
    splits = Object.fromEntries(
      SPLITS.map((name) => {
        const members = entries.filter((e) => split[name].includes(e.subject));
        return [name, { subjects: [...split[name]], ...withTotal(classCounts(members)) }];
      }),
    ) as Record<SplitName, CardCounts & { subjects: string[] }>;
  }
  const dims = await mapLimit(entries, 8, async (e) => {
    const known = input.dimensions?.get(e.file);
    if (known) return `${known.width}x${known.height}`;
    const meta = await sharp(path.join(dir, e.file)).metadata();
    return `${meta.width}x${meta.height}`;
  });
  const train = splits?.train;
  const trainMin = train ? Math.min(...CLASSES.map((c) => train.counts[c])) : null;
  const sizes: Record<string, number> = {};
  for (const d of dims) sizes[d] = (sizes[d] ?? 0) + 1;
  return {
    name: input.name ?? path.basename(path.resolve(dir)),
    dir: displayPath(path.resolve(dir)),
    source: input.source,
    seed: input.seed ?? input.split?.seed ?? null,
    smoke: input.smoke ?? false,
    classes: [...CLASSES],
    total: entries.length,
    counts: classCounts(entries),
    subjects,
    perSubject,
    splits,
    trainMinPerClass: trainMin,
    sizes,
    ...(input.extraction ? { extraction: input.extraction } : {}),
    ...(input.cleaning ? { cleaning: input.cleaning } : {}),
    ...(input.balancing ? { balancing: input.balancing } : {}),
    numbered: input.numbered ?? false,
  };
}

function withTotal(counts: ClassCounts): CardCounts {
  return { counts, total: CLASSES.reduce((s, c) => s + counts[c], 0) };
}

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export function cardMarkdown(card: DatasetCard): string {
  const classRow = (name: string, c: CardCounts) => [name, ...CLASSES.map((k) => c.counts[k]), c.total];
  const out: string[] = [];
  out.push(`# Dataset card: ${card.name}${card.smoke ? ' (smoke build)' : ''}`, '');
  out.push(`- folder: \`${card.dir}\``);
  out.push(`- source: ${card.source}`);
  out.push(`- seed: ${card.seed ?? 'none'}`);
  out.push(`- images: ${card.total} (${CLASSES.map((c) => `${c} ${card.counts[c]}`).join(', ')})`);
  out.push(`- subjects: ${card.subjects.length} (${card.subjects.join(', ')})`);
  out.push(
    `- sizes: ${Object.entries(card.sizes)
      .map(([s, n]) => `${s} (${n})`)
      .join(', ')}`,
  );
  out.push(
    `- file names: ${card.numbered ? "1..N per class (the article's numbering)" : '<subject>_<clip>_<frame>.jpg'}`,
  );
  if (card.trainMinPerClass !== null) {
    const min = card.trainMinPerClass;
    const verdict =
      min >= MIN_TRAIN_PER_CLASS ? 'met' : `**not met**${card.smoke ? ' (expected in a smoke build)' : ''}`;
    out.push(
      `- training split: at least **${min}** images of every class (\`trainMinPerClass\`; ` +
        `the project wants at least ${MIN_TRAIN_PER_CLASS}: ${verdict})`,
    );
  }
  out.push('');
  if (card.extraction) {
    const x = card.extraction;
    out.push('## Frame extraction', '');
    out.push(
      `${x.recordings} recordings${x.fps ? ` at ${x.fps} frames per second` : ''} gave ${x.frames} labelled frames ` +
        `(${formatCounts(x.counts)}); ${x.ambiguous} frames in ambiguous ranges and ${x.unlabelled} outside every ` +
        'range were left out.',
      '',
    );
  }
  if (card.cleaning) {
    const c = card.cleaning;
    out.push('## Cleaning', '');
    out.push(
      `${c.dropped} of ${c.before} images dropped: ${c.byReason.duplicate} exact duplicates (same sha256), ` +
        `${c.byReason['near-duplicate']} near duplicates (mean absolute difference of ${c.options.thumbnail} ` +
        `thumbnails below ${c.options.nearThreshold} against the previous kept frame of the same clip and class), ` +
        `${c.byReason.flat} blank or flat frames (thumbnail standard deviation below ${c.options.flatThreshold}).`,
      '',
    );
  }
  if (card.balancing) {
    const b = card.balancing;
    out.push('## Balancing (within each split)', '');
    const kept = SPLITS.map((s) => {
      const { perClass, maxPerClass } = b.splits[s];
      return `${s} ${perClass}${maxPerClass !== null ? ` (its smallest class, at most ${maxPerClass})` : ''}`;
    });
    out.push(
      'The article trimmed "other" until every class had about 190 images. Here each split is down-sampled on its ' +
        `own (seeded, seed ${b.seed}; spread evenly over subjects), so every split holds the same count of every ` +
        `class: ${kept.join(', ')} per class.`,
      '',
    );
    for (const s of SPLITS) {
      const x = b.splits[s];
      out.push(`### ${s}: ${x.perClass} per class`, '');
      out.push(
        table(
          ['', ...CLASSES, 'total'],
          [classRow('before', withTotal(x.before)), classRow('after', withTotal(x.after))],
        ),
        '',
      );
    }
  }
  out.push('## Per subject', '');
  out.push(
    table(
      ['subject', ...CLASSES, 'total'],
      card.subjects.map((s) => classRow(s, card.perSubject[s])),
    ),
    '',
  );
  if (card.splits) {
    const splits = card.splits;
    out.push('## Splits (by subject: no person is in two splits)', '');
    out.push(
      table(
        ['split', ...CLASSES, 'total', 'subjects'],
        SPLITS.map((s) => [...classRow(s, splits[s]), splits[s].subjects.join(', ')]),
      ),
      '',
    );
  }
  return out.join('\n');
}

/** Writes `<reportsDir>/<basename>.json` and `.md` atomically; returns both paths. */
export async function writeCard(
  card: DatasetCard,
  reportsDir: string,
  basename = 'dataset',
): Promise<{ json: string; markdown: string }> {
  const json = path.join(reportsDir, `${basename}.json`);
  const markdown = path.join(reportsDir, `${basename}.md`);
  await writeJsonAtomic(json, card);
  await writeFileAtomic(markdown, cardMarkdown(card));
  return { json, markdown };
}
