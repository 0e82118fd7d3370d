// Parcel's glob import, which MK.js's first line uses: `import * as images from '../images/**/*.png'`
// gives a nested object of URLs keyed by folder and file names (images.fighters.kano.left.stand[0]).
// This esbuild plugin provides the same object, so a user's MK.js bundles unchanged.
import * as path from 'node:path';
import type { Plugin } from 'esbuild';
import { glob } from 'tinyglobby';

const GLOB_CHARS = /[*?[{]/;

export interface GlobTree {
  [key: string]: GlobTree | string;
}

/** The nested object for `files` under `base`: folders and file names without extension as keys. */
export function globTree(base: string, files: string[], urlOf: (file: string) => string): GlobTree {
  const tree: GlobTree = {};
  for (const file of [...files].sort()) {
    const parts = path.relative(base, file).split(path.sep);
    const leaf = path.basename(parts.pop() as string, path.extname(file));
    let node = tree;
    for (const part of parts) {
      const next = node[part] ?? {};
      if (typeof next === 'string') throw new Error(`${file}: "${part}" is both a file and a folder in the glob`);
      node[part] = next;
      node = next;
    }
    node[leaf] = urlOf(file);
  }
  return tree;
}

/** Splits "../images/**\/*.png" into its fixed folder and the glob under it. */
export function splitGlob(pattern: string): { base: string; glob: string } {
  const parts = pattern.split('/');
  const i = parts.findIndex((p) => GLOB_CHARS.test(p));
  return { base: parts.slice(0, i).join('/') || '.', glob: parts.slice(i).join('/') };
}

/** Module source exporting each top-level key of the tree as a named export. */
export function globModule(tree: GlobTree): string {
  const keys = Object.keys(tree);
  const lines = keys.map((k, i) => `const v${i} = ${JSON.stringify(tree[k])};`);
  lines.push(`export { ${keys.map((k, i) => `v${i} as ${JSON.stringify(k)}`).join(', ')} };`);
  return lines.join('\n');
}

/** Resolves glob imports of files under `root` to URLs `urlPrefix` + path relative to `root`. */
export function globPlugin(root: string, urlPrefix: string): Plugin {
  return {
    name: 'kombat-glob',
    setup(build) {
      build.onResolve({ filter: GLOB_CHARS }, (args) => {
        if (!args.path.startsWith('.')) return undefined;
        return { path: path.resolve(args.resolveDir, args.path), namespace: 'kombat-glob' };
      });
      build.onLoad({ filter: /.*/, namespace: 'kombat-glob' }, async (args) => {
        const { base, glob: pattern } = splitGlob(args.path);
        const files = (await glob(pattern, { cwd: base, absolute: true, onlyFiles: true })).map(path.normalize);
        if (files.length === 0) return { errors: [{ text: `no file matches ${args.path}` }] };
        const urlOf = (file: string) =>
          urlPrefix + path.relative(root, file).split(path.sep).map(encodeURIComponent).join('/');
        return { contents: globModule(globTree(base, files, urlOf)), loader: 'js', watchFiles: files };
      });
    },
  };
}
