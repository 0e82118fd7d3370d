import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { startNotebookServer } from '../notebook';
import { settings } from '../settings';
import { positiveInt } from './options';

export function registerNotebook(program: Command): void {
  program
    .command('notebook')
    .description('open the chapters in Jupyter (classic Notebook, TypeScript kernel) on 127.0.0.1; prints the URL')
    .option('--dir <dir>', 'folder to open (default: notebooks/)')
    .option('--port <port>', 'port on 127.0.0.1 (default KOMBAT_NOTEBOOK_PORT, else 8888 or a free one)', positiveInt)
    .action(async (opts: { dir?: string; port?: number }) => {
      const dir = path.resolve(opts.dir ?? settings().notebooksDir);
      if (!existsSync(dir)) throw new Error(`${dir} does not exist`);
      const server = await startNotebookServer({ dir, port: opts.port });
      // Ctrl-C reaches Jupyter too (same process group), which shuts its kernels down and exits; so do we then.
      process.on('SIGINT', () => {});
      console.log(
        `\nkombat: the chapters are at\n\n    ${server.url}\n\n` +
          'Pick the TypeScript kernel for new notebooks; Ctrl-C stops the server and its kernels.\n',
      );
      process.exitCode = (await server.exited) ?? 1;
    });
}
