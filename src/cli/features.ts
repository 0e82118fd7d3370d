import { type Command, Option } from 'commander';
import { readConfig } from '../config';
import { cacheFolderFeatures, type FeatureSpec, FeaturesInterrupted, type FolderFeaturesResult } from '../features';
import type { Alpha } from '../mobilenet';
import { FITS, type Fit, type InputSize } from '../preprocess';
import { alphaOption, inputSizeOption } from './options';
import { progressBar } from './progress';

interface FeaturesCliOptions {
  data: string;
  augmented?: string;
  layer?: string;
  inputSize?: InputSize;
  fit?: Fit;
  alpha?: Alpha;
}

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description(
      'compute and cache MobileNet features for every image of a dataset folder (and its augmented copy); ' +
        'cached ones are not recomputed. Ctrl-C stops after the batches in progress and keeps every finished ' +
        'one in the cache (a second Ctrl-C quits at once)',
    )
    .requiredOption('--data <dir>', 'dataset folder: <class>/ image folders, optionally manifest.csv')
    .option('--augmented <dir>', 'its augmented copy (from `kombat augment`), also cached')
    .option(
      '--layer <name>',
      'MobileNet layer to cut at (default: models/config.json, else global_average_pooling2d_1)',
    )
    .option(
      '--input-size <WxH>',
      'MobileNet input WIDTHxHEIGHT (default: models/config.json, else 224x224)',
      inputSizeOption,
    )
    .addOption(
      new Option(
        '--fit <fit>',
        'how images of another aspect fill the input (default: models/config.json, else stretch)',
      ).choices(FITS),
    )
    .option('--alpha <alpha>', 'MobileNet v1 width multiplier (default: models/config.json, else 0.75)', alphaOption)
    .action(async (opts: FeaturesCliOptions) => {
      const config = await readConfig();
      const spec: FeatureSpec = {
        kind: 'mobilenet',
        alpha: opts.alpha ?? config.features.alpha,
        inputSize: opts.inputSize ?? config.features.inputSize,
        layer: opts.layer ?? config.features.layer,
        fit: opts.fit ?? config.features.fit,
      };
      const bar = progressBar('features', 'images');
      const controller = new AbortController();
      const onSigint = () => {
        bar.stop();
        if (controller.signal.aborted) process.exit(130);
        console.error('kombat features: interrupted; storing the batches in progress (Ctrl-C again to quit at once)');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      let result: FolderFeaturesResult;
      try {
        result = await cacheFolderFeatures(spec, [opts.data, ...(opts.augmented ? [opts.augmented] : [])], {
          onBatch: (done, total) => bar.update(done, total),
          log: (line) => console.error(line),
          signal: controller.signal,
        });
      } catch (err) {
        if (!(err instanceof FeaturesInterrupted)) throw err;
        console.error(`kombat features: ${err.message}`);
        process.exitCode = 130;
        return;
      } finally {
        bar.stop();
        process.off('SIGINT', onSigint);
      }
      console.log(
        `${result.images} images: ${result.computed} computed, ${result.fromCache} from the cache; ` +
          `${result.featureSize} features each; ${result.seconds.toFixed(1)} s`,
      );
    });
}
