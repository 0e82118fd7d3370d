// The results files: <reports>/results/<chapter>.json, each its chapter's results type serialised.
// Reading checks the chapter and the format, so a file from another version of the project is
// refused with the chapter to re-run, never misread.
import * as path from 'node:path';
import { settings } from '../settings';
import { readJsonIfPresent, writeJsonAtomic } from '../util/fs';
import { CHAPTERS, type Chapter, RESULTS_FORMATS } from './common';
import type { EvaluationResults } from './evaluation';
import type { ExportResults } from './export';
import type { LayerChoiceResults } from './layer-choice';
import type { PlayingResults } from './playing';
import type { SetupComparison } from './setups';
import type { SweepResults } from './sweep';
import type { SyntheticToRealResults } from './synthetic-to-real';

/** Each chapter's results type. */
export interface ResultsByChapter {
  '03-layer-choice': LayerChoiceResults;
  '04-binary': SetupComparison;
  '05-ternary': SetupComparison;
  '06-sweeps': SweepResults;
  '07-evaluation': EvaluationResults;
  '08-export': ExportResults;
  '09-synthetic-to-real': SyntheticToRealResults;
  '10-playing': PlayingResults;
}

export type ChapterResults = ResultsByChapter[Chapter];

export function resultsFile(chapter: Chapter, reportsDir = settings().reportsDir): string {
  return path.join(reportsDir, 'results', `${chapter}.json`);
}

/** Writes the results atomically; returns the file. */
export async function writeResults(results: ChapterResults, reportsDir = settings().reportsDir): Promise<string> {
  const file = resultsFile(results.chapter, reportsDir);
  await writeJsonAtomic(file, results);
  return file;
}

/** One chapter's results, or undefined when the chapter has not run. */
export async function readChapterResults<C extends Chapter>(
  chapter: C,
  reportsDir = settings().reportsDir,
): Promise<ResultsByChapter[C] | undefined> {
  const file = resultsFile(chapter, reportsDir);
  const data = await readJsonIfPresent<{ chapter?: unknown; format?: unknown }>(file);
  if (data === undefined) return undefined;
  const format = RESULTS_FORMATS[chapter];
  if (data.chapter !== chapter || data.format !== format) {
    throw new Error(
      `${file}: written by another version of kombat (chapter ${JSON.stringify(data.chapter)}, format ` +
        `${JSON.stringify(data.format)}; this one reads format ${format}): re-run chapter ${chapter}`,
    );
  }
  return data as ResultsByChapter[C];
}

/** Every chapter's results that exist. */
export async function readResults(reportsDir = settings().reportsDir): Promise<Partial<ResultsByChapter>> {
  const found: Partial<ResultsByChapter> = {};
  for (const chapter of CHAPTERS) {
    const results = await readChapterResults(chapter, reportsDir);
    if (results) (found as Record<Chapter, ChapterResults>)[chapter] = results;
  }
  return found;
}
