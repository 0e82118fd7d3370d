import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type Command, Option } from 'commander';
import { initBackend } from '../backend';
import { loadSavedModel, modelOutput, saveModel, WEIGHT_FORMATS, type WeightFormat } from '../export';
import { checkOutput, folderBytes } from '../util';

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      're-save an exported model with quantised weights (uint16 or uint8: affine per tensor, dequantised on ' +
        'load); metadata.json is kept, its "weights" updated',
    )
    .requiredOption('--model <dir>', 'model folder with model.json, weights.bin and metadata.json')
    .requiredOption(
      '--out <dir>',
      'folder to write (atomically): new, empty, or an exported model (--model itself too)',
    )
    .option('--force', 'replace an --out folder that is not a model (never a file or a folder holding a dataset)')
    .addOption(new Option('--weights <format>', 'weight storage').choices(WEIGHT_FORMATS).default('uint8'))
    .action(async (opts: { model: string; out: string; weights: WeightFormat; force?: boolean }) => {
      const output = modelOutput(opts.force);
      await checkOutput(opts.out, output);
      await initBackend();
      const before = await fs.stat(path.join(opts.model, 'weights.bin')).then(
        (s) => s.size,
        () => undefined,
      );
      const { model, metadata } = await loadSavedModel<Record<string, unknown>>(opts.model);
      const from = (metadata.weights as string | undefined) ?? 'float32';
      const bytes = await saveModel(model, opts.out, { ...metadata, weights: opts.weights }, opts.weights, output);
      model.dispose();
      console.log(
        `${opts.model} (${from}, weights.bin ${kib(before ?? 0)}) -> ${opts.out} (${opts.weights}, ` +
          `weights.bin ${kib(bytes)}, folder ${kib(await folderBytes(opts.out))})`,
      );
    });
}
