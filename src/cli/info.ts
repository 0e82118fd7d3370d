import type { Command } from 'commander';
import { initBackend } from '../backend';
import { findDatasets } from '../data';
import { ALPHAS, cachePath, isCached, officialUrl } from '../mobilenet';
import { displayPath, settings } from '../settings';

const UNSET = 'MOBILENET_URL not set: cache, then official URL';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('backend, versions, where MobileNet comes from, cache state, datasets found')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const environment = await initBackend();
      const cache = await Promise.all(
        ALPHAS.map(async (alpha) => ({
          alpha,
          dir: displayPath(cachePath(alpha)),
          cached: await isCached(alpha),
          url: officialUrl(alpha),
        })),
      );
      const { dataDir, mobilenetUrl: explicit } = settings();
      const datasets = (await findDatasets(dataDir)).map((d) => ({ ...d, dir: displayPath(d.dir) }));
      if (opts.json) {
        console.log(
          JSON.stringify({ environment, mobilenet: { MOBILENET_URL: explicit ?? null, cache }, datasets }, null, 2),
        );
        return;
      }
      console.log(`backend      ${environment.backend}`);
      console.log(
        `versions     ${Object.entries(environment.versions)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
      console.log(
        `node         ${environment.node} on ${environment.platform}, ` +
          `${environment.cores} cores (${environment.cpu}), ${environment.memoryGiB} GiB`,
      );
      console.log(`MobileNet    ${explicit ? `MOBILENET_URL=${explicit} (used first)` : UNSET}`);
      for (const c of cache)
        console.log(`  alpha ${c.alpha.toFixed(2)}  ${c.cached ? 'cached    ' : 'not cached'}  ${c.dir}`);
      if (datasets.length === 0)
        console.log(`datasets     none in ${displayPath(dataDir)} (make data builds the built-in one)`);
      for (const d of datasets) {
        const counts = Object.entries(d.counts)
          .map(([cls, n]) => `${cls} ${n}`)
          .join(', ');
        console.log(`dataset      ${d.dir}: ${counts}${d.hasManifest ? ', manifest.csv' : ''}`);
      }
    });
}
