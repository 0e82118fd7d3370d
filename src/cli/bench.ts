import type { Command } from 'commander';
import { runBench } from '../bench';
import { DEFAULT_ALPHA } from '../mobilenet';
import { benchCaptureToModel, PAGE_BACKENDS, type PageBackend } from '../serve';
import { type FolderPreset, parsePreset } from '../train';
import { formatSpread } from '../util';
import { alphaOption, choiceOption, positiveInt } from './options';

const pageBackend = choiceOption<PageBackend>(PAGE_BACKENDS);
const backendList = (text: string): PageBackend[] => text.split(',').map(pageBackend);

interface BenchOpts {
  alpha: typeof DEFAULT_ALPHA;
  runs: number;
  images: number;
  browser: boolean;
  browserSeconds: number;
  browserBackends: PageBackend[];
  json?: boolean;
  capture?: string;
  person?: string;
  testPerson?: string;
  preset: FolderPreset;
}

/** `--capture <data> --person <name>`: captured frames to a playable model, timed (README's one-minute goal). */
async function benchCapture(opts: BenchOpts & { capture: string }): Promise<void> {
  if (!opts.person) throw new Error('--capture needs --person <name>: whose frames are captured');
  const log = opts.json ? undefined : (line: string) => console.error(line);
  const r = await benchCaptureToModel({
    data: opts.capture,
    person: opts.person,
    testPerson: opts.testPerson,
    preset: opts.preset,
    log,
  });
  if (opts.json) {
    console.log(JSON.stringify(r));
    return;
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(
    `${r.frames} frames of ${r.person} (${r.recordings} recordings, ${r.task}), preset ${r.preset}: ` +
      `uploaded in ${r.uploadSeconds.toFixed(1)} s, trained in ${r.trainSeconds.toFixed(1)} s`,
  );
  if (r.crossValidated)
    console.log(
      `cross-validated over recordings: accuracy ${pct(r.crossValidated.accuracy)}, ` +
        `balanced ${pct(r.crossValidated.balancedAccuracy)}`,
    );
  if (r.test)
    console.log(
      `on ${r.test.person} (${r.test.frames} frames): accuracy ${pct(r.test.accuracy)}, ` +
        `balanced ${pct(r.test.balancedAccuracy)}`,
    );
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'measure MobileNet feature extraction (ms/image), dense-head training (s/epoch) ' +
        'and the game page (ms/frame in Chromium)',
    )
    .option('--alpha <alpha>', 'MobileNet v1 width multiplier', alphaOption, DEFAULT_ALPHA)
    .option('--runs <n>', 'repetitions of each measurement', positiveInt, 5)
    .option('--images <n>', 'images per feature-extraction run', positiveInt, 64)
    .option('--no-browser', 'skip the game page in headless Chromium')
    .option('--browser-seconds <n>', 'seconds of play per browser measurement', positiveInt, 20)
    .option('--browser-backends <list>', 'also measure these page backends, e.g. wasm,webgl,cpu', backendList, [])
    .option('--json', 'print the result as JSON only')
    .option(
      '--capture <data>',
      "instead: capture <data>'s frames of --person through the page's endpoint, train, time it",
    )
    .option('--person <name>', 'with --capture: whose frames')
    .option('--test-person <name>', 'with --capture: score the model on this person (or room) of the same folder')
    .option('--preset <preset>', 'with --capture: quick or full', parsePreset, 'quick')
    .action(async (opts: BenchOpts) => {
      if (opts.capture !== undefined) {
        await benchCapture({ ...opts, capture: opts.capture });
        return;
      }
      const log = opts.json ? undefined : (line: string) => console.error(line);
      const browser = opts.browser ? { seconds: opts.browserSeconds, backends: opts.browserBackends } : undefined;
      const result = await runBench({ ...opts, browser, log });
      if (result.browserSkipped) console.error(`kombat: the browser measurement is skipped: ${result.browserSkipped}`);
      if (opts.json) {
        console.log(JSON.stringify(result));
        return;
      }
      const f = result.featureMsPerImage;
      const t = result.trainSecondsPerEpoch;
      console.log(`backend ${result.backend}`);
      console.log(`feature extraction  ms/image   ${formatSpread(f, 1)}`);
      console.log(`head training       s/epoch    ${formatSpread(t, 2)}`);
      const b = result.browserMsPerFrame;
      if (b && result.browser) {
        console.log(
          `browser (${result.browser.backend}) ms/frame  ${formatSpread(b, 1)}; ` +
            `ticks in time ${(100 * result.browser.ticksInTime).toFixed(1)}%`,
        );
      }
    });
}
