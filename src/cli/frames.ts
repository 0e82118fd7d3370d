// `kombat frames <video>`: the article's `ffmpeg -i video.mov %03d.jpg`, plus sorting by label ranges.
import type { Command } from 'commander';
import { CLASSES, extractFrames } from '../data';
import { displayPath } from '../settings';
import { forceHelp, positiveNumber } from './options';

export function registerFrames(program: Command): void {
  program
    .command('frames')
    .description(
      'extract the frames of a video as JPEGs; with --labels, sort them into <out>/<class>/ and merge ' +
        '<out>/manifest.csv',
    )
    .argument('<video>', 'video file, named <subject>_<clip>.<ext> (or pass --subject/--clip)')
    .requiredOption('--out <dir>', 'dataset folder to write into: new, empty, or a dataset folder (merged)')
    .option('--force', forceHelp('write into --out'))
    .option('--fps <n>', "frames per second (default: the video's rate)", positiveNumber)
    .option(
      '--labels <ranges.csv>',
      'label ranges: header start,end,label; seconds, [start, end); punch|kick|other|ambiguous',
    )
    .option('--subject <id>', 'subject id (default: from the video name)')
    .option('--clip <id>', 'clip id (default: from the video name)')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        video: string,
        opts: {
          out: string;
          fps?: number;
          labels?: string;
          subject?: string;
          clip?: string;
          json?: boolean;
          force?: boolean;
        },
      ) => {
        const r = await extractFrames({
          video,
          out: opts.out,
          fps: opts.fps,
          labels: opts.labels,
          subject: opts.subject,
          clip: opts.clip,
          force: opts.force,
        });
        if (opts.json) {
          const { rows: _rows, ...rest } = r;
          console.log(JSON.stringify({ ...rest, written: r.rows.length }, null, 2));
          return;
        }
        const where = displayPath(opts.out);
        console.log(`${video}: ${r.frames} frames at ${r.fps} fps (subject ${r.subject}, clip ${r.clip})`);
        if (opts.labels) {
          console.log(`  ${CLASSES.map((c) => `${c} ${r.counts[c]}`).join(', ')} -> ${where}/<class>/`);
          console.log(
            `  ${r.ambiguous} in ambiguous ranges skipped; ${r.unlabelled} outside every range -> ${where}/unlabelled/`,
          );
        } else {
          console.log(
            `  all ${r.unlabelled} -> ${where}/unlabelled/ ` +
              `(sort them into ${CLASSES.join('/')} folders, or pass --labels)`,
          );
        }
      },
    );
}
