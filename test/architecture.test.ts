// The layers of src/, bottom to top (src/README.md describes them): a module imports only from its
// own layer or the ones below, and no chain of imports comes back to where it started; the page
// (web/) reaches the library only through src/browser.ts.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const SRC = path.join(__dirname, '..', 'src');

/** Layers bottom to top; each lists the folders and top-level modules (without .ts) it holds. */
export const LAYERS: readonly (readonly string[])[] = [
  ['util', 'settings'],
  ['pool', 'backend', 'preprocess', 'image', 'decision'],
  ['mobilenet', 'body', 'pose'],
  ['synth'],
  ['data'],
  ['augment'],
  ['features'],
  ['eval', 'report'],
  ['train', 'config', 'export', 'sweep', 'transfer'],
  ['game'],
  ['serve'],
  ['results'],
  ['cli', 'notebook', 'bench', 'index', 'browser'],
];

function modules(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return modules(p);
    return e.name.endsWith('.ts') ? [path.relative(SRC, p).slice(0, -3)] : [];
  });
}

function layerOf(module: string): number {
  const head = module.split('/')[0];
  const layer = LAYERS.findIndex((names) => names.includes(head));
  assert.ok(layer >= 0, `src/${module}.ts belongs to no layer: add "${head}" to LAYERS (and to src/README.md)`);
  return layer;
}

/** Relative imports of a module (type-only ones too), resolved to module names. */
function importsOf(module: string): string[] {
  const text = readFileSync(path.join(SRC, `${module}.ts`), 'utf8');
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?from\s*'(\.[^']*)'/gms, // import ... from, export ... from
    /^\s*import\s*'(\.[^']*)'/gm, // side-effect imports
    /(?:require|import)\(\s*'(\.[^']*)'\s*\)/g, // require() and import()
  ];
  const specs = patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1]));
  return specs.map((spec) => {
    const target = path.relative(SRC, path.resolve(path.dirname(path.join(SRC, module)), spec));
    if (existsSync(path.join(SRC, `${target}.ts`))) return target;
    if (existsSync(path.join(SRC, target, 'index.ts'))) return `${target}/index`;
    throw new Error(`src/${module}.ts imports ${spec}, which is no module of src/`);
  });
}

const graph = new Map(modules().map((m) => [m, importsOf(m)]));

test('every import goes to the same layer or one below', () => {
  const upward = [...graph].flatMap(([from, targets]) =>
    targets
      .filter((to) => layerOf(to) > layerOf(from))
      .map((to) => `src/${from}.ts (layer ${layerOf(from)}) imports src/${to}.ts (layer ${layerOf(to)})`),
  );
  assert.deepEqual(upward, []);
});

test('no import cycles', () => {
  // Tarjan's strongly connected components: any with more than one module is a cycle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const at = (m: Map<string, number>, v: string) => m.get(v) ?? Number.POSITIVE_INFINITY;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(at(low, v), at(low, w)));
      } else if (onStack.has(w)) low.set(v, Math.min(at(low, v), at(index, w)));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  assert.deepEqual(cycles, []);
});

test('the page (web/) imports the library only through src/browser.ts', () => {
  const web = path.join(__dirname, '..', 'web');
  const other = readdirSync(web)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) =>
      [...readFileSync(path.join(web, f), 'utf8').matchAll(/from\s*'(\.\.\/src\/[^']*)'/g)]
        .map((m) => m[1])
        .filter((spec) => spec !== '../src/browser')
        .map((spec) => `web/${f} imports ${spec}`),
    );
  assert.deepEqual(other, []);
});
