import { type Command, Option } from 'commander';
import { type AugmentDatasetResult, type AugmentProgress, augmentDataset, type Size } from '../augment';
import { forceHelp, positiveInt, seedOption, sizeOption } from './options';
import { progressBar } from './progress';

interface AugmentCliOptions {
  data: string;
  out: string;
  variants: number;
  seed: number;
  size?: Size;
  all?: boolean;
  concurrency?: number;
  quality: number;
  progress: boolean;
  force?: boolean;
}

export function registerAugment(program: Command): void {
  program
    .command('augment')
    .description(
      "the article's imgaug pipeline over the training split: <data>/<class>/* -> " +
        '<out>/<class>/<stem>_vNN.jpg + manifest.csv',
    )
    .requiredOption(
      '--data <dir>',
      'dataset folder with <class>/ image folders, split.json and optionally manifest.csv',
    )
    .requiredOption(
      '--out <dir>',
      'output folder: new, empty, or an augmented dataset (kept between runs: finished variants are reused)',
    )
    .option('--force', forceHelp('write into --out'))
    .option('--variants <n>', 'variants per training frame', positiveInt, 16)
    .option('--seed <n>', 'seed; with the source bytes and variant number it fixes every output byte', seedOption, 44)
    .addOption(
      new Option(
        '--size <WxH>',
        "resize frames to WIDTHxHEIGHT before augmenting (default: each frame's own aspect, shorter side 56 px, " +
          "so 16:9 frames get the article's 100x56)",
      ).argParser(sizeOption),
    )
    .option('--all', 'augment every frame when there is no split.json (default: refuse, training split only)')
    .option('--concurrency <n>', 'worker threads (default: min(2, cores)); does not change the output', positiveInt)
    .option('--quality <n>', 'JPEG quality 1..100', positiveInt, 90)
    .option('--no-progress', 'no progress bar')
    .action(async (opts: AugmentCliOptions) => {
      const bar = progressBar('augment', 'variants', opts.progress && process.stderr.isTTY === true);
      const onProgress = (p: AugmentProgress) => bar.update(p.done, p.total);
      let result: AugmentDatasetResult;
      try {
        result = await augmentDataset({ ...opts, onProgress, log: (line) => console.error(line) });
      } finally {
        bar.stop();
      }
      console.log(
        `${result.sources} training frames -> ${result.variants} variants in ${opts.out} ` +
          `(${result.written} written, ${result.reused} reused) in ${result.seconds.toFixed(1)} s; ` +
          `${result.excluded} frames outside the training split left alone`,
      );
      if (result.bad.length) {
        console.error(`kombat augment: skipped ${result.bad.length} unreadable input file(s):`);
        for (const b of result.bad) console.error(`  ${b.file}: ${b.reason}`);
        process.exitCode = 1;
      }
    });
}
