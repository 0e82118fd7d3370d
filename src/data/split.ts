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

/** Fractions are of subjects, not images; every split gets at least one subject when there are three or more. */
export function splitBySubject(subjects: string[], seed: number, fractions = { val: 0.2, test: 0.2 }): Split {
  const unique = [...new Set(subjects)].sort();
  if (unique.length < 3) throw new Error(`a subject split needs at least 3 subjects, found ${unique.length}`);
  const order = shuffle(mulberry32(seed), unique);
  const nTest = Math.max(1, Math.round(order.length * fractions.test));
  const nVal = Math.max(1, Math.round(order.length * fractions.val));
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

export async function readSplit(datasetDir: string): Promise<Split> {
  const file = splitPath(datasetDir);
  const split = JSON.parse(await fs.readFile(file, 'utf8')) as Split;
  for (const name of SPLITS) {
    if (!Array.isArray(split[name])) throw new Error(`${file}: "${name}" is not a list of subjects`);
  }
  return split;
}

/** split.json of a dataset, or undefined when it has none. */
export async function readSplitIfPresent(datasetDir: string): Promise<Split | undefined> {
  return (await exists(splitPath(datasetDir))) ? readSplit(datasetDir) : undefined;
}

export function writeSplit(datasetDir: string, split: Split): Promise<void> {
  return writeJsonAtomic(splitPath(datasetDir), split);
}
