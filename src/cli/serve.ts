import * as path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { buildPage, HOST, playAndCapture, type ServerOptions, startServer } from '../serve';
import { displayPath } from '../settings';
import { formatSpread } from '../util';
import { positiveInt } from './options';

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`port ${text} is not 0..65535`);
  return n;
}

interface ServeOpts {
  port?: number;
  model?: string;
  modelsDir?: string;
  mkjs?: string;
  screenshot?: string;
  seconds: number;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(`build the game page and serve it, the models and MobileNet on ${HOST} only; open the printed URL`)
    .option('--port <n>', 'port (0: any free one; default KOMBAT_PORT, else 8642)', port)
    .option(
      '--model <dir>',
      'exported model folder the page starts with (default: kombat-ternary in the models folder)',
    )
    .option('--models-dir <dir>', 'folder of exported models to offer (default: KOMBAT_MODELS_DIR, else models/)')
    .option(
      '--mkjs <folder>',
      "also serve the article's MK.js: the mk/ folder of a clone of github.com/mgechev/mk-tfjs",
    )
    .option(
      '--screenshot <png>',
      'instead of serving: play a rendered clip in headless Chromium, check memory, save the screenshot and <png>.json',
    )
    .option('--seconds <n>', 'how long --screenshot plays', positiveInt, 120)
    .action(async (opts: ServeOpts) => {
      const server: Partial<ServerOptions> = {
        models: opts.model ? [opts.model] : [],
        modelsDir: opts.modelsDir,
        mkjs: opts.mkjs,
      };
      if (opts.screenshot) {
        const report = await playAndCapture(path.resolve(opts.screenshot), opts.seconds, server, (l) =>
          console.error(l),
        );
        const m = report.msPerFrame;
        console.log(
          `${displayPath(path.resolve(opts.screenshot))}: ${report.backend}, ms/frame ${formatSpread(m, 1)}, ` +
            `ticks in time ${(100 * report.ticksInTime).toFixed(1)}%, ` +
            `numTensors ${report.tensors.first} throughout ${report.seconds} s`,
        );
        return;
      }
      console.error('kombat: building the game page');
      const page = await buildPage({ mkjs: opts.mkjs });
      const running = await startServer({ ...server, pageDir: page.dir, port: opts.port });
      const setup = running.context.setup;
      console.log(`kombat: serving on ${running.url} (Ctrl-C stops)`);
      console.log(`  the game:  ${running.url}`);
      if (page.mkjs) console.log(`  MK.js:     ${running.url}mk.html`);
      for (const m of setup.models) {
        const mark = m.name === setup.defaultModel ? ' (default)' : '';
        console.log(`  model:     ${m.name}${m.task ? ` [${m.task}]` : ''}${mark}${m.problem ? `: ${m.problem}` : ''}`);
      }
      const mobilenet = Object.entries(setup.mobilenet).find(([, e]) => e.kind !== 'official');
      console.log(
        `  MobileNet: ${mobilenet ? `${mobilenet[1].kind} ${mobilenet[0]}` : 'from the official URL (not cached)'}`,
      );
      const stop = () => {
        void running.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
