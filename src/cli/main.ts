// `kombat <command>`: one thin command per file, each calling the library in src/.
import { Command } from 'commander';
import { cleanUpOnExit } from '../util';
import { registerAugment } from './augment';
import { registerBench } from './bench';
import { registerClassify } from './classify';
import { registerDataset } from './dataset';
import { registerEvaluate } from './evaluate';
import { registerExport } from './export';
import { registerFeatures } from './features';
import { registerFrames } from './frames';
import { registerInfo } from './info';
import { registerKernel } from './kernel';
import { registerNotebook } from './notebook';
import { registerReport } from './report';
import { registerServe } from './serve';
import { registerSweep } from './sweep';
import { registerSynth } from './synth';
import { registerTrain } from './train';

// Temporaries and locks go with the process, whatever ends it (a signal included).
cleanUpOnExit();

const program = new Command('kombat')
  .description(
    'Reproduce "Playing Mortal Kombat with TensorFlow.js": data, augmentation, MobileNet features, training, the game.',
  )
  .showHelpAfterError();

registerInfo(program);
registerClassify(program);
registerBench(program);
registerSynth(program);
registerFrames(program);
registerDataset(program);
registerAugment(program);
registerReport(program);
registerSweep(program);
registerFeatures(program);
registerTrain(program);
registerEvaluate(program);
registerExport(program);
registerKernel(program);
registerNotebook(program);
registerServe(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`kombat: ${(err as Error).message}`);
  process.exit(1);
});
