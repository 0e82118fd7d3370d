// Train/validation/test split by subject: no person appears in two splits, so held-out numbers
// measure generalisation to new people, which is what playing the game needs.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { exists, writeJsonAtomic } from '../util/fs';
import { mulberry32, shuffle } from '../util/random';

export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface Split {
  seed: number;
  train: string[];
  val: string[];
  test: string[];
}

/**
 * Fractions are of subjects, not images; every split gets at least one subject, and fractions that
 * would leave training without one are refused (not written as an empty split).
 */
export function splitBySubject(subjects: string[], seed: number, fractions = { val: 0.2, test: 0.2 }): Split {
  const unique = [...new Set(subjects)].sort();
  if (unique.length < 3) throw new Error(`a subject split needs at least 3 subjects, found ${unique.length}`);
  for (const [name, f] of Object.entries(fractions))
    if (!(f > 0 && f < 1)) throw new Error(`the ${name} fraction ${f} is not between 0 and 1`);
  if (fractions.val + fractions.test >= 1)
    throw new Error(
      `val ${fractions.val} and test ${fractions.test} leave no subject for training: their sum must be below 1`,
    );
  const order = shuffle(mulberry32(seed), unique);
  const nTest = Math.max(1, Math.round(order.length * fractions.test));
  const nVal = Math.max(1, Math.round(order.length * fractions.val));
  if (nTest + nVal >= order.length)
    throw new Error(
      `val ${fractions.val} and test ${fractions.test} of ${order.length} subjects give validation ${nVal} and ` +
        `test ${nTest}, leaving none for training: use smaller fractions`,
    );
  const sorted = (xs: string[]) => [...xs].sort();
  return {
    seed,
    test: sorted(order.slice(0, nTest)),
    val: sorted(order.slice(nTest, nTest + nVal)),
    train: sorted(order.slice(nTest + nVal)),
  };
}

export function splitOf(split: Split, subject: string): SplitName | undefined {
  return SPLITS.find((name) => split[name].includes(subject));
}

export function splitPath(datasetDir: string): string {
  return path.join(datasetDir, 'split.json');
}

/** split.json's text as a Split; what is wrong with it is thrown, without the file's name. */
export function parseSplit(text: string): Split {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('not an object with "train", "val" and "test" lists of subjects');
  const split = value as Split;
  for (const name of SPLITS) {
    const list: unknown = split[name];
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string'))
      throw new Error(`"${name}" is not a list of subjects`);
  }
  return split;
}

/**
 * What is wrong with a split for a dataset whose images have `subjects` (one per image): a subject
 * in two splits, or one with images in no split (its images would silently drop out).
 */
export function splitProblems(split: Split, subjects: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, SplitName>();
  for (const name of SPLITS) {
    for (const subject of split[name]) {
      const first = seen.get(subject);
      if (first === name) problems.push(`subject ${subject} is listed twice in ${name}`);
      else if (first) problems.push(`subject ${subject} is in both ${first} and ${name}`);
      else seen.set(subject, name);
    }
  }
  const images = new Map<string, number>();
  for (const s of subjects) images.set(s, (images.get(s) ?? 0) + 1);
  for (const [subject, n] of [...images].sort(([a], [b]) => (a < b ? -1 : 1)))
    if (!seen.has(subject))
      problems.push(
        `subject ${subject} (${n} images) is in no split; add it to train, val or test, or run kombat dataset split`,
      );
  return problems;
}

export async function readSplit(datasetDir: string): Promise<Split> {
  const file = splitPath(datasetDir);
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`${file}: cannot read (${err.code})`);
  });
  try {
    return parseSplit(text);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

/** split.json of a dataset, or undefined when it has none. */
export async function readSplitIfPresent(datasetDir: string): Promise<Split | undefined> {
  return (await exists(splitPath(datasetDir))) ? readSplit(datasetDir) : undefined;
}

export function writeSplit(datasetDir: string, split: Split): Promise<void> {
  return writeJsonAtomic(splitPath(datasetDir), split);
}
