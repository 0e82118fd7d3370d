import * as path from 'node:path';
import type { Command } from 'commander';
import { writeResultsPage } from '../results';
import { displayPath, settings } from '../settings';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('regenerate the results page (reports/README.md) from the dataset card, results/*.json and figures')
    .option('--reports <dir>', 'reports folder (default: KOMBAT_REPORTS_DIR or reports/)')
    .action(async (opts: { reports?: string }) => {
      const dir = opts.reports ? path.resolve(opts.reports) : settings().reportsDir;
      const page = await writeResultsPage(dir);
      console.log(`${displayPath(page.file)}: ${page.sections.length ? page.sections.join(', ') : 'no results yet'}`);
    });
}
