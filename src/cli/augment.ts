import { Presets, SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type AugmentProgress, augmentDataset } from '../augment/dataset';
import { DEFAULT_SIZE, parseSize, type Size } from '../augment/pipeline';
import { positiveInt } from './options';

function sizeOption(text: string): Size {
  try {
    return parseSize(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function seedOption(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError(`${text} is not an integer in 0..4294967295`);
  return n;
}

interface AugmentCliOptions {
  data: string;
  out: string;
  variants: number;
  seed: number;
  size: Size;
  all?: boolean;
  concurrency?: number;
  quality: number;
  progress: boolean;
}

export function registerAugment(program: Command): void {
  program
    .command('augment')
    .description(
      "the article's imgaug pipeline over the training split: <data>/<class>/* -> <out>/<class>/<stem>_vNN.jpg + manifest.csv",
    )
    .requiredOption(
      '--data <dir>',
      'dataset folder with <class>/ image folders, split.json and optionally manifest.csv',
    )
    .requiredOption('--out <dir>', 'output folder (kept between runs: finished variants are reused)')
    .option('--variants <n>', 'variants per training frame', positiveInt, 16)
    .option('--seed <n>', 'seed; with the source bytes and variant number it fixes every output byte', seedOption, 44)
    .addOption(
      new Option('--size <WxH>', 'resize frames to WIDTHxHEIGHT before augmenting')
        .argParser(sizeOption)
        .default(DEFAULT_SIZE, `${DEFAULT_SIZE.width}x${DEFAULT_SIZE.height}`),
    )
    .option('--all', 'augment every frame when there is no split.json (default: refuse, training split only)')
    .option('--concurrency <n>', 'worker threads (default: min(2, cores)); does not change the output', positiveInt)
    .option('--quality <n>', 'JPEG quality 1..100', positiveInt, 90)
    .option('--no-progress', 'no progress bar')
    .action(async (opts: AugmentCliOptions) => {
      const bar =
        opts.progress && process.stderr.isTTY
          ? new SingleBar(
              { format: 'augment [{bar}] {value}/{total} variants | {eta_formatted} left', hideCursor: true },
              Presets.shades_classic,
            )
          : undefined;
      let started = false;
      const onProgress = (p: AugmentProgress) => {
        if (!bar) return;
        if (!started) {
          bar.start(p.total, p.done);
          started = true;
        } else bar.update(p.done);
      };
      let result;
      try {
        result = await augmentDataset({ ...opts, onProgress, log: (line) => console.error(line) });
      } finally {
        bar?.stop();
      }
      console.log(
        `${result.sources} training frames -> ${result.variants} variants in ${opts.out} ` +
          `(${result.written} written, ${result.reused} reused) in ${result.seconds.toFixed(1)} s; ${result.excluded} frames outside the training split left alone`,
      );
      if (result.bad.length) {
        console.error(`kombat augment: skipped ${result.bad.length} unreadable input file(s):`);
        for (const b of result.bad) console.error(`  ${b.file}: ${b.reason}`);
        process.exitCode = 1;
      }
    });
}
