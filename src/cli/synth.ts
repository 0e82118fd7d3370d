import { type Command, InvalidArgumentError } from 'commander';
import {
  AMBIGUOUS_MODES,
  type AmbiguousMode,
  type ClipPart,
  DEFAULT_SYNTH,
  parseScript,
  renderRecordings,
  VIDEO_FORMATS,
  type VideoFormat,
} from '../synth';
import { choiceOption, forceHelp, nonNegativeInt, parser, positiveInt, seedOption } from './options';
import { progressBar } from './progress';

const ambiguousOption = choiceOption<AmbiguousMode>(AMBIGUOUS_MODES);
const scriptOption = parser<ClipPart[]>(parseScript);
const formatOption = choiceOption<VideoFormat>(VIDEO_FORMATS);

/** "320x180" as WIDTHxHEIGHT. */
function sizeOption(text: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 32 || Number(m[2]) < 32 || Number(m[1]) % 2 || Number(m[2]) % 2) {
    throw new InvalidArgumentError(`${text} is not WIDTHxHEIGHT with even sides of at least 32`);
  }
  return { width: Number(m[1]), height: Number(m[2]) };
}

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description(
      'render the built-in synthetic webcam recordings (videos + labels) of people punching, kicking and doing ' +
        'other things',
    )
    .requiredOption('--out <dir>', 'dataset folder; files go to <dir>/recordings (new, empty, or recordings)')
    .option('--force', forceHelp('write into <dir>/recordings'))
    .option('--subjects <n>', 'number of people (s01..sNN)', positiveInt, DEFAULT_SYNTH.subjects)
    .option('--clips <n>', 'clips per person', positiveInt, DEFAULT_SYNTH.clips)
    .option('--seed <n>', 'random seed (same seed, same bytes)', seedOption, DEFAULT_SYNTH.seed)
    .option('--fps <n>', 'frames per second', positiveInt, DEFAULT_SYNTH.fps)
    .option('--size <WxH>', 'frame size', sizeOption, { width: DEFAULT_SYNTH.width, height: DEFAULT_SYNTH.height })
    .option(
      '--ambiguous <mode>',
      'wind-up / retraction frames: exclude (label "ambiguous"), action, other',
      ambiguousOption,
      DEFAULT_SYNTH.ambiguous,
    )
    .option('--only <ids>', 'render only these people, e.g. s05,s11 (the test split)', (t: string) => t.split(','))
    .option(
      '--script <parts>',
      'scripted clips: parts in order, e.g. punch,kick,other (default: random recordings)',
      scriptOption,
    )
    .option(
      '--format <format>',
      `video format: ${VIDEO_FORMATS.join(' or ')} (y4m feeds Chromium's fake webcam)`,
      formatOption,
      'avi',
    )
    .option(
      '--workers <n>',
      'worker threads (0 or 1: this thread; default KOMBAT_WORKERS, else up to 2)',
      nonNegativeInt,
    )
    .action(
      async (opts: {
        out: string;
        subjects: number;
        clips: number;
        seed: number;
        fps: number;
        size: { width: number; height: number };
        ambiguous: AmbiguousMode;
        only?: string[];
        script?: ClipPart[];
        format: VideoFormat;
        workers?: number;
        force?: boolean;
      }) => {
        const bar = progressBar('synth', 'frames');
        const summary = await renderRecordings({
          out: opts.out,
          subjects: opts.subjects,
          clipsPerSubject: opts.clips,
          seed: opts.seed,
          fps: opts.fps,
          size: opts.size,
          ambiguous: opts.ambiguous,
          only: opts.only,
          script: opts.script,
          format: opts.format,
          workers: opts.workers,
          force: opts.force,
          onProgress: (done, total) => bar.update(done, total),
        }).finally(() => bar.stop());
        const t = summary.totals;
        console.log(`${summary.clips.length} clips of ${summary.subjects.length} subjects in ${summary.dir}`);
        console.log(`frames: punch ${t.punch}, kick ${t.kick}, other ${t.other}, ambiguous ${t.ambiguous}`);
      },
    );
}
