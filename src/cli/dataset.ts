// `kombat dataset <sub>`: index, validate, clean, balance, number, split, card, build.
// Commands that change a dataset write a new folder under a temporary name and swap it in, so the
// old one survives any failure. --out writes elsewhere and leaves the input untouched.

import * as path from 'node:path';
import type { Command } from 'commander';
import {
  assertValid,
  type BuiltinStep,
  balanceClasses,
  buildBuiltinDataset,
  classCounts,
  classWeights,
  type DatasetIndex,
  DEFAULT_FLAT_THRESHOLD,
  DEFAULT_NEAR_THRESHOLD,
  findDrops,
  formatCounts,
  indexDataset,
  issueText,
  makeCard,
  manifestPath,
  readSplitIfPresent,
  rehashManifest,
  splitBySubject,
  splitPath,
  validateDataset,
  writeCard,
  writeDataset,
  writeSplit,
} from '../data';
import { displayPath, settings, smokeSettings } from '../settings';
import { forceHelp, fraction, nonNegative, positiveInt, seedOption } from './options';
import { type Progress, progressBar } from './progress';

/**
 * A dataset that must have no errors before it is changed: every issue printed, then thrown. With
 * `ignoreSplit`, problems of split.json are not (`dataset split` is how a bad one is replaced).
 */
async function usableIndex(dir: string, { ignoreSplit = false } = {}): Promise<DatasetIndex> {
  const index = await indexDataset(dir);
  const issues = index.issues.filter((i) => !(ignoreSplit && i.file === path.basename(splitPath(dir))));
  for (const issue of issues) console.error(issueText(issue));
  return assertValid({ ...index, issues });
}

export function registerDataset(program: Command): void {
  const dataset = program
    .command('dataset')
    .description('index, validate, clean, balance, number, split and describe datasets; build the built-in one');

  dataset
    .command('index')
    .description(
      'list the images of a dataset (from manifest.csv, or from class folders and file names); exits 1 when it ' +
        'has errors',
    )
    .argument('<dir>', 'dataset folder: <class>/*.jpg, optionally manifest.csv')
    .option('--json', 'print the entries as JSON')
    .option(
      '--rehash',
      'REPAIR: give manifest rows whose sha256 is empty or no longer matches their file the hash of the file as it ' +
        'is now (after checking that the files are the ones you mean)',
    )
    .action(async (dir: string, opts: { json?: boolean; rehash?: boolean }) => {
      if (opts.rehash) {
        const changed = await rehashManifest(dir);
        console.log(`re-hashed ${changed.length} rows of ${displayPath(path.resolve(manifestPath(dir)))}`);
        for (const c of changed) console.log(`  line ${c.line}: ${c.file}: ${c.was || '(empty)'} -> ${c.now}`);
      }
      const index = await indexDataset(dir);
      if (index.issues.some((i) => i.severity === 'error')) process.exitCode = 1;
      if (opts.json) {
        console.log(JSON.stringify(index, null, 2));
        return;
      }
      const subjects = [...new Set(index.entries.map((e) => e.subject))].sort();
      console.log(
        `${displayPath(path.resolve(dir))}: ${index.entries.length} images ` +
          `(${formatCounts(classCounts(index.entries))}), ` +
          (index.fromManifest ? 'from manifest.csv' : 'no manifest: subjects from file names'),
      );
      console.log(`subjects ${subjects.length}: ${subjects.join(', ')}`);
      for (const issue of index.issues) console.log(issueText(issue));
    });

  dataset
    .command('validate')
    .description(
      'check that files exist and decode, sizes agree within a class, sha256 matches the manifest, classes are known',
    )
    .argument('<dir>', 'dataset folder')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const bar = progressBar('validate', 'images', !opts.json && process.stderr.isTTY === true);
      const result = await validateDataset(dir, { onProgress: bar.update });
      bar.stop();
      if (opts.json)
        console.log(
          JSON.stringify(
            { errors: result.errors, warnings: result.warnings, issues: result.issues, sizes: result.sizes },
            null,
            2,
          ),
        );
      else {
        for (const issue of result.issues) console.log(issueText(issue));
        const sizes = Object.entries(result.sizes)
          .map(([c, s]) => `${c} ${Object.keys(s).join('/')}`)
          .join(', ');
        console.log(
          `${displayPath(path.resolve(dir))}: ${result.index.entries.length} images, sizes ${sizes || 'none'}; ` +
            `${result.errors} error(s), ${result.warnings} warning(s)`,
        );
      }
      if (result.errors > 0) process.exitCode = 1;
    });

  dataset
    .command('clean')
    .description('drop exact duplicates, near duplicates (consecutive frames of a clip) and blank or flat images')
    .argument('<dir>', 'dataset folder')
    .option('--out <dir>', 'write the cleaned dataset here, a new or empty folder (default: replace <dir>)')
    .option('--force', forceHelp('replace --out'))
    .option(
      '--near <diff>',
      'near duplicate below this mean absolute grey difference of 64x36 thumbnails',
      nonNegative,
      DEFAULT_NEAR_THRESHOLD,
    )
    .option(
      '--flat <std>',
      'flat below this grey standard deviation of the thumbnail',
      nonNegative,
      DEFAULT_FLAT_THRESHOLD,
    )
    .option('--dry-run', 'only report what would be dropped')
    .option('--json', 'print the dropped files as JSON')
    .action(
      async (
        dir: string,
        opts: { out?: string; near: number; flat: number; dryRun?: boolean; json?: boolean; force?: boolean },
      ) => {
        const index = await usableIndex(dir);
        const bar = progressBar('clean', 'images', !opts.json && process.stderr.isTTY === true);
        const result = await findDrops(dir, index.entries, {
          nearThreshold: opts.near,
          flatThreshold: opts.flat,
          onProgress: bar.update,
        });
        bar.stop();
        if (opts.json) console.log(JSON.stringify({ byReason: result.byReason, dropped: result.dropped }, null, 2));
        else {
          for (const d of result.dropped)
            console.log(`drop ${d.file}: ${d.reason}${d.of ? ` of ${d.of}` : ''} (${d.detail})`);
          console.log(
            `${result.dropped.length} of ${index.entries.length} dropped (${Object.entries(result.byReason)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}); ${result.kept.length} kept (${formatCounts(classCounts(result.kept))})`,
          );
        }
        if (opts.dryRun) return;
        const target = opts.out ?? dir;
        const split = await readSplitIfPresent(dir);
        await writeDataset(dir, target, result.kept, { split, force: opts.force });
        if (!opts.json) console.log(`wrote ${displayPath(path.resolve(target))}`);
      },
    );

  dataset
    .command('balance')
    .description('down-sample every class to the smallest (seeded), or print class weights')
    .argument('<dir>', 'dataset folder')
    .option('--out <dir>', 'write the balanced dataset here, a new or empty folder (default: replace <dir>)')
    .option('--force', forceHelp('replace --out'))
    .option('--per-class <n>', 'images to keep per class (default: the smallest class)', positiveInt)
    .option('--seed <n>', 'seed of the random choice', seedOption, 1)
    .option('--weights', 'only print class weights (total / (classes x count)) for a weighted loss')
    .option('--dry-run', 'only report the counts')
    .action(
      async (
        dir: string,
        opts: { out?: string; perClass?: number; seed: number; weights?: boolean; dryRun?: boolean; force?: boolean },
      ) => {
        const index = await usableIndex(dir);
        if (opts.weights) {
          const w = classWeights(index.entries);
          console.log(JSON.stringify({ counts: classCounts(index.entries), weights: w }, null, 2));
          return;
        }
        const result = balanceClasses(index.entries, { seed: opts.seed, perClass: opts.perClass });
        console.log(`before: ${formatCounts(result.before)}; after: ${formatCounts(result.after)} (seed ${opts.seed})`);
        if (opts.dryRun) return;
        const target = opts.out ?? dir;
        const split = await readSplitIfPresent(dir);
        await writeDataset(dir, target, result.kept, { split, force: opts.force });
        console.log(`wrote ${displayPath(path.resolve(target))}`);
      },
    );

  dataset
    .command('number')
    .description(
      "rename images 1..N within each class folder (the article's convention; manifest.csv keeps subject, clip " +
        'and frame)',
    )
    .argument('<dir>', 'dataset folder')
    .option('--out <dir>', 'write the renamed dataset here, a new or empty folder (default: replace <dir>)')
    .option('--force', forceHelp('replace --out'))
    .action(async (dir: string, opts: { out?: string; force?: boolean }) => {
      const index = await usableIndex(dir);
      const target = opts.out ?? dir;
      const split = await readSplitIfPresent(dir);
      const written = await writeDataset(dir, target, index.entries, { split, number: true, force: opts.force });
      console.log(`wrote ${displayPath(path.resolve(target))}: ${formatCounts(classCounts(written))}`);
    });

  dataset
    .command('split')
    .description('assign subjects to train/val/test (no person in two splits) and write split.json')
    .argument('<dir>', 'dataset folder')
    .option('--seed <n>', 'seed of the subject shuffle', seedOption, 1)
    .option('--val <fraction>', 'fraction of subjects for validation', fraction, 0.2)
    .option('--test <fraction>', 'fraction of subjects for test', fraction, 0.2)
    .action(async (dir: string, opts: { seed: number; val: number; test: number }) => {
      const index = await usableIndex(dir, { ignoreSplit: true });
      const split = splitBySubject(
        index.entries.map((e) => e.subject),
        opts.seed,
        { val: opts.val, test: opts.test },
      );
      await writeSplit(dir, split);
      for (const name of ['train', 'val', 'test'] as const) {
        const members = index.entries.filter((e) => split[name].includes(e.subject));
        console.log(`${name.padEnd(5)} ${split[name].join(', ')}: ${formatCounts(classCounts(members))}`);
      }
      console.log(`wrote ${displayPath(path.resolve(splitPath(dir)))}`);
    });

  dataset
    .command('card')
    .description('write the dataset card: <reports>/dataset.json and dataset.md')
    .argument('<dir>', 'dataset folder')
    .option('--reports <dir>', 'where to write (default: KOMBAT_REPORTS_DIR or reports/)')
    .option('--name <basename>', 'file name without extension', 'dataset')
    .option('--source <text>', 'where the images come from, in words', 'own recordings')
    .action(async (dir: string, opts: { reports?: string; name: string; source: string }) => {
      const index = await usableIndex(dir);
      const split = await readSplitIfPresent(dir);
      const card = await makeCard(dir, index.entries, { source: opts.source, split });
      const files = await writeCard(card, opts.reports ?? settings().reportsDir, opts.name);
      console.log(`wrote ${displayPath(files.json)} and ${displayPath(files.markdown)}`);
    });

  dataset
    .command('build')
    .description(
      'build the built-in dataset: synth -> frames -> clean -> subject split -> balance each split -> ' +
        'data/builtin + reports/dataset.{json,md}',
    )
    .option('--seed <n>', 'seed of everything random', seedOption, 1)
    .option('--subjects <n>', 'synthetic people (default 12; 3 with --smoke)', positiveInt)
    .option('--fps <n>', "frames per second to extract (default: the recordings' rate)", positiveInt)
    .option(
      '--per-class <n>',
      'images per class in the training split (default: its smallest class, at most 190); validation and test ' +
        'keep their smallest class',
      positiveInt,
    )
    .option('--number', 'rename the final images 1..N per class')
    .option('--force', 'render the recordings again even if matching ones exist')
    .option('--smoke', 'tiny and fast (same as KOMBAT_SMOKE=1)')
    .action(
      async (opts: {
        seed: number;
        subjects?: number;
        fps?: number;
        perClass?: number;
        number?: boolean;
        force?: boolean;
        smoke?: boolean;
      }) => {
        let bar: Progress | undefined;
        let step: BuiltinStep | undefined;
        const s = opts.smoke ? smokeSettings() : settings();
        const result = await buildBuiltinDataset({
          dataDir: s.dataDir,
          reportsDir: s.reportsDir,
          seed: opts.seed,
          subjects: opts.subjects,
          fps: opts.fps,
          perClass: opts.perClass,
          number: opts.number,
          force: opts.force,
          smoke: s.smoke,
          log: (line) => {
            bar?.stop();
            bar = undefined;
            console.log(line);
          },
          onProgress: (s, done, total) => {
            if (s !== step) {
              bar?.stop();
              bar = progressBar(s, s === 'synth' ? 'frames' : s === 'frames' ? 'recordings' : 'images');
              step = s;
            }
            bar?.update(done, total);
          },
        });
        bar?.stop();
        console.log(
          `timings: ${Object.entries(result.timings)
            .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
            .join(', ')}`,
        );
      },
    );
}
