import type { Command } from 'commander';
import { installKernel } from '../notebook';

export function registerKernel(program: Command): void {
  program
    .command('kernel')
    .description("register this checkout's TypeScript kernel (tslab) for Jupyter, inside the checkout (.jupyter/)")
    .action(async () => {
      const kernel = await installKernel();
      console.log(`kombat: this checkout's TypeScript kernel for Jupyter is ${kernel.dir}, running ${kernel.argv[0]}`);
    });
}
