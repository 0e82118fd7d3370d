// House style the formatter cannot enforce: no line over 120 characters in code, comments and
// strings included, and in the notebooks' code cells; no shorthand property naming an earlier
// cell's top-level name in a notebook (tslab does not rewrite those: a ReferenceError at run time
// that the type check of every cell passes). (`make test` runs Biome for the rest.)
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const MAX = 120;
const FOLDERS = ['src', 'test', 'bench', 'bin', 'web', '.ci'];
const FILES = ['Makefile', 'biome.json', 'package.json', 'tsconfig.json', 'tsconfig.test.json'];
const CODE = /\.(ts|js|mjs|cjs|json|css|html)$|^(Makefile|run)$/;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : files(p);
    return CODE.test(name) ? [p] : [];
  });
}

function longLines(name: string, text: string, offset = 0): string[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 + offset }))
    .filter(({ line }) => line.length > MAX)
    .map(({ line, n }) => `${name}:${n}: ${line.length} characters`);
}

test(`no line of code over ${MAX} characters`, () => {
  const all = [...FOLDERS.flatMap((f) => files(path.join(ROOT, f))), ...FILES.map((f) => path.join(ROOT, f))];
  const checked = all.filter((f) => existsSync(f));
  assert.ok(checked.length > 50, `only ${checked.length} files found`);
  const long = checked.flatMap((f) => longLines(path.relative(ROOT, f), readFileSync(f, 'utf8')));
  assert.deepEqual(long, []);
});

/** Every notebook's code cells: name, index in the notebook, source. */
function notebookCells(): { name: string; index: number; text: string }[] {
  const notebooks = readdirSync(path.join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));
  assert.ok(notebooks.length > 0);
  return notebooks.flatMap((name) => {
    const nb = JSON.parse(readFileSync(path.join(ROOT, 'notebooks', name), 'utf8')) as {
      cells: { cell_type: string; source: string | string[] }[];
    };
    return nb.cells.flatMap((cell, index) => {
      if (cell.cell_type !== 'code') return [];
      return [{ name, index, text: Array.isArray(cell.source) ? cell.source.join('') : cell.source }];
    });
  });
}

test(`no line of a notebook's code cells over ${MAX} characters`, () => {
  const long = notebookCells().flatMap((c) => longLines(`notebooks/${c.name} cell ${c.index}`, c.text));
  assert.deepEqual(long, []);
});

/** Names a cell declares at its top level (variables, functions, classes, imports). */
function topLevelNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const s of file.statements) {
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) bind(d.name);
    else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) names.add(s.name.text);
    else if (ts.isImportDeclaration(s) && s.importClause) {
      if (s.importClause.name) names.add(s.importClause.name.text);
      const b = s.importClause.namedBindings;
      if (b && ts.isNamespaceImport(b)) names.add(b.name.text);
      if (b && ts.isNamedImports(b)) for (const e of b.elements) names.add(e.name.text);
    }
  }
  return names;
}

test("no shorthand property names an earlier cell's top-level name (tslab leaves it undefined)", () => {
  const found: string[] = [];
  const earlier = new Map<string, Set<string>>();
  for (const c of notebookCells()) {
    const file = ts.createSourceFile('cell.ts', c.text, ts.ScriptTarget.Latest, true);
    const seen = earlier.get(c.name) ?? new Set<string>();
    const own = topLevelNames(file);
    const visit = (node: ts.Node): void => {
      if (ts.isShorthandPropertyAssignment(node) && seen.has(node.name.text) && !own.has(node.name.text)) {
        found.push(`notebooks/${c.name} cell ${c.index}: { ${node.name.text} } (write ${node.name.text}: ...)`);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    earlier.set(c.name, new Set([...seen, ...own]));
  }
  assert.deepEqual(found, []);
});
