import type { Command } from 'commander';
import { runBench } from '../bench';
import { DEFAULT_ALPHA } from '../mobilenet';
import type { Spread } from '../util';
import { alphaOption, positiveInt } from './options';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure MobileNet feature extraction (ms/image) and dense-head training (s/epoch)')
    .option('--alpha <alpha>', 'MobileNet v1 width multiplier', alphaOption, DEFAULT_ALPHA)
    .option('--runs <n>', 'repetitions of each measurement', positiveInt, 5)
    .option('--images <n>', 'images per feature-extraction run', positiveInt, 64)
    .option('--json', 'print the result as JSON only')
    .action(async (opts: { alpha: typeof DEFAULT_ALPHA; runs: number; images: number; json?: boolean }) => {
      const result = await runBench({ ...opts, log: opts.json ? undefined : (line) => console.error(line) });
      if (opts.json) {
        console.log(JSON.stringify(result));
        return;
      }
      const f = result.featureMsPerImage;
      const t = result.trainSecondsPerEpoch;
      console.log(`backend ${result.backend}`);
      const line = (s: Spread, digits: number) =>
        `min ${s.min.toFixed(digits)}  median ${s.median.toFixed(digits)}  max ${s.max.toFixed(digits)}`;
      console.log(`feature extraction  ms/image   ${line(f, 1)}`);
      console.log(`head training       s/epoch    ${line(t, 2)}`);
    });
}
