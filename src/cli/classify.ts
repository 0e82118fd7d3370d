import type { Command } from 'commander';
import { ImageError, readImage } from '../image';
import { DEFAULT_ALPHA, loadMobileNet } from '../mobilenet';
import { rgbTensor } from '../preprocess';
import { alphaOption, positiveInt } from './options';

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('ImageNet top-k of the full MobileNet for each image (a check that the model loads and sees)')
    .argument('<image...>', 'image files (JPEG, PNG, WebP, ...)')
    .option('--alpha <alpha>', 'MobileNet v1 width multiplier', alphaOption, DEFAULT_ALPHA)
    .option('--top <k>', 'how many classes to show', positiveInt, 5)
    .option('--json', 'print one JSON object per image')
    .action(async (files: string[], opts: { alpha: typeof DEFAULT_ALPHA; top: number; json?: boolean }) => {
      const mobilenet = await loadMobileNet({ alpha: opts.alpha });
      let failures = 0;
      for (const file of files) {
        try {
          const image = await readImage(file);
          const pixels = rgbTensor(image.data, image.width, image.height);
          const [predictions] = await mobilenet.classify([pixels], opts.top);
          pixels.dispose();
          if (opts.json) console.log(JSON.stringify({ file, predictions }));
          else {
            console.log(file);
            for (const p of predictions) console.log(`  ${p.probability.toFixed(3)}  ${p.className}`);
          }
        } catch (err) {
          if (!(err instanceof ImageError)) throw err;
          failures++;
          console.error(`kombat: ${err.message}`);
        }
      }
      if (failures > 0) process.exitCode = 1;
    });
}
