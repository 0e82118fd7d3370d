// Builds the game page with esbuild: web/*.ts (which import the library's browser-safe modules from
// src/) into one script per page, plus the HTML and CSS. With a folder of MK.js, also its page.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { settings } from '../settings';
import { exists, type FolderKind, writeDirAtomic } from '../util/fs';
import { globPlugin } from './glob';

/** MK.js's files are served under this URL prefix. */
export const MKJS_PREFIX = '/mkjs/';
const STATIC_FILES = ['index.html', 'style.css'];

/** A folder buildPage wrote, which it may replace: the page and its script. */
const BUILT_PAGE: FolderKind = {
  name: 'a built game page',
  sign: 'index.html and main.js',
  async is(dir) {
    return (await exists(path.join(dir, 'index.html'))) && (await exists(path.join(dir, 'main.js')));
  },
};

export interface PageBuild {
  dir: string;
  /** Page files, relative to dir. */
  files: string[];
  mkjs: boolean;
}

/** Throws unless `folder` is MK.js's mk/ folder (game/src/mk.js and game/images/). */
export async function checkMkjs(folder: string): Promise<string> {
  const dir = path.resolve(folder);
  for (const need of ['game/src/mk.js', 'game/images']) {
    if (!(await exists(path.join(dir, need)))) {
      throw new Error(
        `${folder} is not the mk/ folder of MK.js (${need} is missing). Get it with ` +
          '`git clone https://github.com/mgechev/mk-tfjs` and pass its mk folder: kombat serve --mkjs mk-tfjs/mk',
      );
    }
  }
  return dir;
}

/** "mkjs/..." imports resolve inside the user's MK.js folder. */
function mkjsAlias(dir: string): Plugin {
  return {
    name: 'kombat-mkjs',
    setup(b) {
      b.onResolve({ filter: /^mkjs\// }, (args) => ({ path: path.join(dir, args.path.slice('mkjs/'.length)) }));
    },
  };
}

/** Bundles the page from the settings' web/ into `out` (default the settings' dist/web, not committed). */
export async function buildPage(options: { out?: string; mkjs?: string } = {}): Promise<PageBuild> {
  const { webDir, pageDir } = settings();
  const out = options.out ?? pageDir;
  const mkjs = options.mkjs ? await checkMkjs(options.mkjs) : undefined;
  const entryPoints: Record<string, string> = { main: path.join(webDir, 'main.ts') };
  if (mkjs) entryPoints.mk = path.join(webDir, 'mk-main.ts');
  await writeDirAtomic(
    out,
    async (tmp) => {
      await build({
        entryPoints,
        outdir: tmp,
        bundle: true,
        platform: 'browser',
        format: 'iife',
        target: 'es2022',
        minify: true,
        sourcemap: true,
        logLevel: 'silent',
        plugins: mkjs ? [mkjsAlias(mkjs), globPlugin(mkjs, MKJS_PREFIX)] : [],
      }).catch((err: Error & { errors?: { text: string; location?: { file: string; line: number } }[] }) => {
        const first = err.errors?.[0];
        const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
        throw new Error(`building the game page failed: ${where}${first?.text ?? err.message}`);
      });
      for (const f of STATIC_FILES) await fs.copyFile(path.join(webDir, f), path.join(tmp, f));
      if (mkjs) {
        // MK.js's page is the game page running the other script.
        const html = await fs.readFile(path.join(webDir, 'index.html'), 'utf8');
        const mk = html
          .replace('src="/main.js"', 'src="/mk.js"')
          .replace(/<span>[^<]*<\/span>/, "<span>the article's MK.js</span>");
        await fs.writeFile(path.join(tmp, 'mk.html'), mk);
      }
    },
    { kind: BUILT_PAGE, forceable: false, instead: 'delete it (kombat serve builds it again)' },
  );
  return { dir: out, files: (await fs.readdir(out)).sort(), mkjs: mkjs !== undefined };
}
