// The Jupyter kernel is per checkout: each registers its tslab in its own .jupyter/ and its Jupyter
// processes find that one first, so a second clone (CI's, a user's) never takes the first one's kernels
// over. Real installs with tslab and Debian's Jupyter, into two scratch checkouts and a scratch home.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  checkKernel,
  findKernel,
  installKernel,
  jupyterEnvironment,
  kernelMismatch,
  kernelPlace,
} from '../src/notebook/kernel';
import { projectRoot } from '../src/settings';
import { tempDir } from './helpers';

/** Every kernel.json under `dir`, by path. */
function kernelFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => path.basename(f) === 'kernel.json')
    .map((f) => path.join(dir, f));
}

describe('two checkouts, two kernels', () => {
  const scratch = tempDir('kombat-kernel-');
  after(() => rmSync(scratch, { recursive: true, force: true }));
  // A home of its own: where tslab registers by default as a user (as root: the system's folder, checked below).
  const home = path.join(scratch, 'home');
  const env = { HOME: home, XDG_DATA_HOME: undefined, JUPYTER_DATA_DIR: undefined };
  const checkouts = ['first', 'second'].map((name) => path.join(scratch, name));
  /** Set when the first test runs the installs: the second looks at what they wrote, whether they passed or not. */
  let installing = false;

  test("each checkout's Jupyter runs the tslab of its own node_modules, from its own .jupyter/", async () => {
    for (const root of checkouts) {
      mkdirSync(root);
      symlinkSync(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'));
    }
    mkdirSync(home);
    installing = true;
    for (const root of checkouts) await installKernel(root, env);
    for (const root of checkouts) {
      const place = kernelPlace(root);
      assert.equal(path.dirname(place.prefix), root);
      const written = JSON.parse(readFileSync(path.join(place.specDir, 'kernel.json'), 'utf8')) as { argv: string[] };
      assert.equal(written.argv[0], path.join(root, 'node_modules', '.bin', 'tslab'));
      // Jupyter with this checkout's environment finds its own, though the other checkout registered one too.
      assert.deepEqual(await checkKernel(root, env), { dir: place.specDir, argv: written.argv });
    }
    // What the first checkout's Jupyter finds is refused for the second.
    const [first, second] = checkouts;
    assert.match(
      kernelMismatch(await findKernel(first, env), second) ?? 'no mismatch',
      new RegExp(
        `runs ${path.join(first, 'node_modules')}.*, not this checkout's ${path.join(second, 'node_modules')}`,
      ),
    );
  });

  test("nothing written to the user's or the system's Jupyter folders", () => {
    assert.ok(installing, 'the first test ran the installs');
    assert.deepEqual(kernelFiles(home), [], 'kernelspecs in the home folder');
    // Jupyter's other data folders (the system's among them) may hold other checkouts' kernelspecs, left as they
    // are; none may name these.
    const paths = JSON.parse(
      execFileSync('jupyter', ['--paths', '--json'], { env: jupyterEnvironment(env, checkouts[0]), encoding: 'utf8' }),
    ) as { data: string[] };
    const outside = paths.data.filter((dir) => !checkouts.some((root) => dir.startsWith(root + path.sep)));
    assert.ok(outside.includes(path.join(home, '.local', 'share', 'jupyter')), outside.join(' '));
    const naming = outside
      .flatMap(kernelFiles)
      .filter((file) => checkouts.some((root) => readFileSync(file, 'utf8').includes(root)));
    assert.deepEqual(naming, []);
  });
});

describe('the kernel of this checkout', () => {
  test("a kernel that is not the checkout's, or none, is refused with what to run", () => {
    const place = kernelPlace(projectRoot);
    const ours = { dir: place.specDir, argv: [place.binary, 'kernel', '--config-path', '{connection_file}'] };
    assert.equal(kernelMismatch(ours), undefined);
    assert.equal(
      kernelMismatch({ argv: ours.argv }),
      undefined,
      'the notebook server tells the command, not the folder',
    );
    const other = '/elsewhere/kombat/node_modules/.bin/tslab';
    assert.match(kernelMismatch({ ...ours, argv: [other] }) ?? '', new RegExp(`runs ${other}, not this checkout's`));
    // The global kernelspec an earlier version registered, naming this checkout: it works until another one
    // takes it over, so it is refused too.
    const global = '/usr/local/share/jupyter/kernels/tslab';
    assert.match(kernelMismatch({ ...ours, dir: global }) ?? '', new RegExp(`is ${global}, not .*\`make kernel\``));
    assert.match(kernelMismatch(undefined) ?? '', /has no tslab kernel.*`make kernel`/);
  });

  test("Jupyter started by the project (kombat, the Makefile's recipes) finds this checkout's kernel", async () => {
    // `make kernel` (part of `make setup`, before `make test`) registered it.
    const found = await checkKernel();
    assert.equal(found.dir, kernelPlace().specDir);
    // The Makefile's recipes (nbconvert) see the same JUPYTER_PATH as kombat gives Jupyter.
    const makeEnv = { ...process.env, JUPYTER_PATH: '/somewhere/else' };
    const seen = execFileSync(
      'make',
      ['-s', '--no-print-directory', '--eval', 'jupyter-path: ; @echo "$$JUPYTER_PATH"', 'jupyter-path'],
      { cwd: projectRoot, env: makeEnv, encoding: 'utf8' },
    ).trim();
    assert.equal(seen, jupyterEnvironment(makeEnv).JUPYTER_PATH);
  });
});
