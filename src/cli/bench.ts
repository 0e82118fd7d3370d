import { type Command, InvalidArgumentError } from 'commander';
import { runBench } from '../bench';
import { DEFAULT_ALPHA } from '../mobilenet/source';
import { findChromium } from '../report/render';
import { BACKENDS, type PageBackend } from '../serve/api';
import { type BrowserBench, benchBrowser } from '../serve/measure';
import { alphaOption, positiveInt } from './options';

function backendList(text: string): PageBackend[] {
  const list = text.split(',');
  const bad = list.filter((b) => !(BACKENDS as readonly string[]).includes(b));
  if (bad.length) throw new InvalidArgumentError(`${bad.join(', ')}: not one of ${BACKENDS.join(', ')}`);
  return list as PageBackend[];
}

interface BenchOpts {
  alpha: typeof DEFAULT_ALPHA;
  runs: number;
  images: number;
  browser: boolean;
  browserSeconds: number;
  browserBackends: PageBackend[];
  json?: boolean;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'measure MobileNet feature extraction (ms/image), dense-head training (s/epoch) and the game page (ms/frame in Chromium)',
    )
    .option('--alpha <alpha>', 'MobileNet v1 width multiplier', alphaOption, DEFAULT_ALPHA)
    .option('--runs <n>', 'repetitions of each measurement', positiveInt, 5)
    .option('--images <n>', 'images per feature-extraction run', positiveInt, 64)
    .option('--no-browser', 'skip the game page in headless Chromium')
    .option('--browser-seconds <n>', 'seconds of play per browser measurement', positiveInt, 20)
    .option('--browser-backends <list>', 'also measure these page backends, e.g. wasm,webgl,cpu', backendList, [])
    .option('--json', 'print the result as JSON only')
    .action(async (opts: BenchOpts) => {
      const log = opts.json ? undefined : (line: string) => console.error(line);
      const node = await runBench({ ...opts, log });
      const chromium = findChromium();
      if (opts.browser && !chromium) {
        console.error(
          'kombat: the browser measurement is skipped: no Chromium (make setup installs it, or set CHROMIUM_PATH)',
        );
      }
      const browser: BrowserBench | undefined =
        opts.browser && chromium ? await benchBrowser(opts.browserSeconds, opts.browserBackends, {}, log) : undefined;
      const result = { ...node, ...browser };
      if (opts.json) {
        console.log(JSON.stringify(result));
        return;
      }
      const f = result.featureMsPerImage;
      const t = result.trainSecondsPerEpoch;
      console.log(`backend ${result.backend}`);
      console.log(
        `feature extraction  ms/image   min ${f.min.toFixed(1)}  median ${f.median.toFixed(1)}  max ${f.max.toFixed(1)}`,
      );
      console.log(
        `head training       s/epoch    min ${t.min.toFixed(2)}  median ${t.median.toFixed(2)}  max ${t.max.toFixed(2)}`,
      );
      if (browser) {
        const b = browser.browserMsPerFrame;
        console.log(
          `browser (${browser.browser.backend}) ms/frame  min ${b.min.toFixed(1)}  median ${b.median.toFixed(1)}  ` +
            `max ${b.max.toFixed(1)}; ticks in time ${(100 * browser.browser.ticksInTime).toFixed(1)}%`,
        );
      }
    });
}
