import * as path from 'node:path';
import type { Command } from 'commander';
import { writeResultsPage } from '../results';
import { displayPath, settings } from '../settings';
import { exists } from '../util';
import { forceHelp } from './options';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('regenerate the results page (reports/README.md) from the dataset card, results/*.json and figures')
    .option('--reports <dir>', 'reports folder (default: KOMBAT_REPORTS_DIR or reports/)')
    .option('--force', forceHelp('write README.md into --reports'))
    .action(async (opts: { reports?: string; force?: boolean }) => {
      const dir = opts.reports ? path.resolve(opts.reports) : settings().reportsDir;
      // A mistyped folder is not created: there would be nothing in it to report.
      if (!(await exists(dir)))
        throw new Error(`${dir}: no such reports folder; pass the folder the chapters write to (default reports/)`);
      const page = await writeResultsPage(dir, { force: opts.force });
      console.log(`${displayPath(page.file)}: ${page.sections.length ? page.sections.join(', ') : 'no results yet'}`);
    });
}
