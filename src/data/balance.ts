// Class balance. The article deleted "other" frames until every class had about 190 images; here
// that is a seeded down-sample to the smallest class (or a given count). balanceSplits does it
// within each split of a subject split, so every split is balanced on its own. The alternative,
// keeping everything and weighting the loss, is classWeights.
import { mulberry32, shuffle } from '../util/random';
import { CLASSES, type ClassName } from './layout';
import { SPLITS, type Split, type SplitName, splitOf } from './split';

export type ClassCounts = Record<ClassName, number>;

export function classCounts(entries: { label: string }[]): ClassCounts {
  const counts = Object.fromEntries(CLASSES.map((c) => [c, 0])) as ClassCounts;
  for (const e of entries) if (e.label in counts) counts[e.label as ClassName]++;
  return counts;
}

/** "punch 3, kick 2, other 4", in class order. */
export function formatCounts(c: Partial<ClassCounts>): string {
  return CLASSES.map((k) => `${k} ${c[k] ?? 0}`).join(', ');
}

export interface BalanceResult<E> {
  kept: E[];
  removed: E[];
  perClass: number;
  before: ClassCounts;
  after: ClassCounts;
  seed: number;
}

function subjectOf(e: { subject?: string }): string {
  return e.subject ?? '';
}

/**
 * Keeps `perClass` images of every class (default: as many as the smallest class has, at most
 * `maxPerClass`), chosen at
 * random (seeded) but spread evenly over subjects; the result keeps the input order. Throws when a
 * class is empty or has fewer than `perClass`.
 */
export function balanceClasses<E extends { label: string; file: string; subject?: string }>(
  entries: E[],
  { seed, perClass, maxPerClass }: { seed: number; perClass?: number; maxPerClass?: number },
): BalanceResult<E> {
  const before = classCounts(entries);
  const empty = CLASSES.filter((c) => before[c] === 0);
  if (empty.length > 0) throw new Error(`cannot balance: no images of ${empty.join(', ')}`);
  const smallest = Math.min(...CLASSES.map((c) => before[c]));
  const n = perClass ?? Math.min(smallest, maxPerClass ?? Infinity);
  if (n > smallest) {
    const short = CLASSES.filter((c) => before[c] < n).map((c) => `${c} has ${before[c]}`);
    throw new Error(`cannot keep ${n} per class: ${short.join(', ')}`);
  }
  const keep = new Set<E>();
  CLASSES.forEach((cls, k) => {
    // One stream per class, so changing one class's images does not reshuffle the others.
    const rng = mulberry32(seed * 31 + k);
    const bySubject = new Map<string, E[]>();
    const members = entries
      .filter((e) => e.label === cls)
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    for (const e of members) {
      const s = subjectOf(e);
      bySubject.set(s, [...(bySubject.get(s) ?? []), e]);
    }
    // Shuffle within each subject, then deal round-robin over subjects: every person keeps as
    // even a share as their images allow, so no one vanishes from a class by chance.
    const bySubjectSorted = [...bySubject].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const queues = shuffle(rng, bySubjectSorted).map(([, queue]) => shuffle(rng, queue));
    let taken = 0;
    for (let round = 0; taken < n; round++) {
      for (const q of queues) {
        if (taken < n && round < q.length) {
          keep.add(q[round]);
          taken++;
        }
      }
    }
  });
  const kept = entries.filter((e) => keep.has(e));
  return { kept, removed: entries.filter((e) => !keep.has(e)), perClass: n, before, after: classCounts(kept), seed };
}

/** How one split was balanced: the count kept per class, the cap it was held to (null: none), counts. */
export interface SplitBalance {
  perClass: number;
  maxPerClass: number | null;
  before: ClassCounts;
  after: ClassCounts;
}

export interface SplitsBalanceResult<E> {
  kept: E[];
  removed: E[];
  seed: number;
  splits: Record<SplitName, SplitBalance>;
}

/**
 * balanceClasses within each split of `split` (entries go by their subject): every split keeps the
 * same count of every class, `perClass[name]` if given, else its own smallest class capped at
 * `maxPerClass[name]` (no cap where none is given). The result keeps the input order. Throws when
 * an entry's subject is in no split, or a split lacks a class or has fewer than asked.
 */
export function balanceSplits<E extends { label: string; file: string; subject: string }>(
  entries: E[],
  split: Split,
  {
    seed,
    perClass = {},
    maxPerClass = {},
  }: { seed: number; perClass?: Partial<Record<SplitName, number>>; maxPerClass?: Partial<Record<SplitName, number>> },
): SplitsBalanceResult<E> {
  const bySplit = Object.fromEntries(SPLITS.map((name) => [name, [] as E[]])) as Record<SplitName, E[]>;
  const outside = new Set<string>();
  for (const e of entries) {
    const name = splitOf(split, e.subject);
    if (name) bySplit[name].push(e);
    else outside.add(e.subject);
  }
  if (outside.size > 0)
    throw new Error(`cannot balance by split: subjects in no split: ${[...outside].sort().join(', ')}`);
  const keep = new Set<E>();
  const splits = {} as Record<SplitName, SplitBalance>;
  for (const name of SPLITS) {
    let r: BalanceResult<E>;
    try {
      r = balanceClasses(bySplit[name], { seed, perClass: perClass[name], maxPerClass: maxPerClass[name] });
    } catch (err) {
      throw new Error(`${name} split (${split[name].join(', ')}): ${(err as Error).message}`);
    }
    for (const e of r.kept) keep.add(e);
    // The cap only matters where no count was given.
    splits[name] = {
      perClass: r.perClass,
      maxPerClass: perClass[name] === undefined ? (maxPerClass[name] ?? null) : null,
      before: r.before,
      after: r.after,
    };
  }
  return { kept: entries.filter((e) => keep.has(e)), removed: entries.filter((e) => !keep.has(e)), seed, splits };
}

/** total / (classes * count): weights that make every class count as much in the loss. */
export function classWeights(entries: { label: string }[]): Record<ClassName, number> {
  const counts = classCounts(entries);
  const total = entries.length;
  return Object.fromEntries(
    CLASSES.map((c) => [c, counts[c] === 0 ? 0 : total / (CLASSES.length * counts[c])]),
  ) as Record<ClassName, number>;
}
