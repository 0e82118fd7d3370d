import type { Command } from 'commander';
import { runBench } from '../bench';
import { DEFAULT_ALPHA } from '../mobilenet';
import { benchCaptureToModel, PAGE_BACKENDS, type PageBackend } from '../serve';
import { type FolderPreset, parsePreset } from '../train';
import { formatSpread, type Spread } from '../util';
import { alphaOption, choiceOption, positiveInt } from './options';

const pageBackend = choiceOption<PageBackend>(PAGE_BACKENDS);
const backendList = (text: string): PageBackend[] => text.split(',').map(pageBackend);

interface BenchOpts {
  alpha: typeof DEFAULT_ALPHA;
  runs: number;
  images: number;
  batchSize: number;
  workers?: number;
  trainSamples: number;
  torch: boolean;
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
      `uploaded in ${r.uploadSeconds.toFixed(1)} s, trained in ${r.trainSeconds.toFixed(1)} s ` +
      `(load average ${r.load.before.toFixed(1)} -> ${r.load.after.toFixed(1)})`,
  );
  console.log(
    `stages: ${Object.entries(r.stageSeconds)
      .map(([stage, s]) => `${stage} ${s.toFixed(1)} s`)
      .join(', ')}`,
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
      'measure MobileNet feature extraction (ms/image, GFLOP/s against the matmul peak, PyTorch side by side ' +
        'where installed), dense-head training (s/epoch) and the game page (ms/frame in Chromium)',
    )
    .option('--alpha <alpha>', 'MobileNet v1 width multiplier', alphaOption, DEFAULT_ALPHA)
    .option('--runs <n>', 'repetitions of each measurement', positiveInt, 5)
    .option('--images <n>', 'images per feature-extraction run', positiveInt, 128)
    .option('--batch-size <n>', 'images per MobileNet batch', positiveInt, 16)
    .option('--workers <n>', "threads for the features (default: the pool's choice, KOMBAT_WORKERS)", positiveInt)
    .option('--no-torch', 'skip the same network in PyTorch')
    .option('--no-browser', 'skip the game page in headless Chromium')
    .option('--browser-seconds <n>', 'seconds of play per browser measurement', positiveInt, 20)
    .option('--browser-backends <list>', 'also measure these page backends, e.g. wasm,webgl,cpu', backendList, [])
    .option('--train-samples <n>', 'samples per training epoch', positiveInt, 10_000)
    .option('--json', 'print the figures as JSON on stdout (the summary goes to stderr)')
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
      // Progress and the summary go to stderr; with --json, stdout holds only the JSON.
      const log = (line: string) => console.error(line);
      const say = opts.json ? log : (line: string) => console.log(line);
      const browser = opts.browser ? { seconds: opts.browserSeconds, backends: opts.browserBackends } : undefined;
      const { result, details } = await runBench({ ...opts, browser, log });
      if (details.browserSkipped)
        console.error(`kombat: the browser measurement is skipped: ${details.browserSkipped}`);
      const row = (name: string, unit: string, s: Spread | null, digits: number, why?: string) => {
        const figure = s ? formatSpread(s, digits) : `not measured${why ? `: ${why}` : ''}`;
        say(`${name.padEnd(22)} ${unit.padEnd(9)} ${figure}`);
      };
      const f = result.featureMsPerImage;
      const torch = result.pytorchMsPerImage;
      say(
        `backend ${result.backend}, ${result.workers} thread(s); MobileNet v1 ${details.alpha} at 224x224, ` +
          `batch ${details.batchSize}, ${details.images} images x ${details.runs} runs; ` +
          `load average ${details.load[0].toFixed(1)} -> ${details.load[1].toFixed(1)}`,
      );
      row('feature extraction', 'ms/image', f, 1);
      row('  achieved', 'GFLOP/s', details.featureGflops, 1);
      row('  matmul peak', 'GFLOP/s', result.peakGflops, 1);
      row('  floor at the peak', 'ms/image', details.floorMsPerImage, 1);
      const pt = details.pytorch;
      row(
        `PyTorch${'version' in pt ? ` ${pt.version}` : ''}`,
        'ms/image',
        torch,
        1,
        'skipped' in pt ? pt.skipped : undefined,
      );
      if (details.pytorchGflops) row('  achieved', 'GFLOP/s', details.pytorchGflops, 1);
      if (torch) say(`  kombat / PyTorch      ratio     ${(f.median / torch.median).toFixed(2)} (medians)`);
      row('head training', 's/epoch', result.trainSecondsPerEpoch, 2);
      const b = result.browserMsPerFrame;
      row(`browser${details.browser ? ` (${details.browser.backend})` : ''}`, 'ms/frame', b, 1, details.browserSkipped);
      if (details.browser) say(`  ticks in time ${(100 * details.browser.ticksInTime).toFixed(1)}%`);
      if (opts.json) console.log(JSON.stringify(result));
    });
}
