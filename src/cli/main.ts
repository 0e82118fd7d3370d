// `kombat <command>`: one thin command per file, each calling the library in src/.
import { Command } from 'commander';
import { registerBench } from './bench';
import { registerClassify } from './classify';
import { registerInfo } from './info';

const program = new Command('kombat')
  .description('Reproduce "Playing Mortal Kombat with TensorFlow.js": data, augmentation, MobileNet features, training, the game.')
  .showHelpAfterError();

registerInfo(program);
registerClassify(program);
registerBench(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`kombat: ${(err as Error).message}`);
  process.exit(1);
});
