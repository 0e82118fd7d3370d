// The TypeScript kernel (tslab) Jupyter runs for this checkout, registered inside it: .jupyter/ (not
// committed), which every Jupyter process the project starts finds first through JUPYTER_PATH (`kombat
// notebook`, the Makefile's nbconvert runs). tslab's own default, the user's or the system's Jupyter folder,
// holds one kernelspec per machine naming one checkout's tslab: a second clone registering its own took the
// first one's kernels over, and they died or ran the other checkout's code when it reinstalled its packages.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { childEnvironment, projectRoot, readSettings } from '../settings';

/** The kernel the chapters name in their metadata; tslab also registers 'jslab' (JavaScript) beside it. */
export const KERNEL_NAME = 'tslab';
const INSTALL_HINT = '`make kernel` (or `npx kombat kernel`) registers it';

const execFileAsync = promisify(execFile);

/** Where a checkout keeps its kernelspec, and the tslab it runs. */
export interface KernelPlace {
  /** tslab's --prefix: the kernelspecs go to <prefix>/share/jupyter/kernels/. */
  prefix: string;
  /** The folder put first on JUPYTER_PATH. */
  jupyterPath: string;
  /** The kernelspec's folder (kernel.json). */
  specDir: string;
  /** The command the kernelspec runs: the checkout's own tslab. */
  binary: string;
}

export function kernelPlace(root = projectRoot): KernelPlace {
  const prefix = path.join(root, '.jupyter');
  const jupyterPath = path.join(prefix, 'share', 'jupyter');
  return {
    prefix,
    jupyterPath,
    specDir: path.join(jupyterPath, 'kernels', KERNEL_NAME),
    binary: path.join(root, 'node_modules', '.bin', 'tslab'),
  };
}

/** The environment of a Jupyter process for the checkout at `root`: its kernelspecs before any other. */
export function jupyterEnvironment(extra: NodeJS.ProcessEnv = {}, root = projectRoot): NodeJS.ProcessEnv {
  const env = childEnvironment(extra);
  const own = kernelPlace(root).jupyterPath;
  const others = (env.JUPYTER_PATH ?? '').split(path.delimiter).filter((p) => p && p !== own);
  return {
    // Debian's ipykernel imports debugpy when Jupyter lists kernels, which warns about frozen modules unless
    // told not to.
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
    ...env,
    JUPYTER_PATH: [own, ...others].join(path.delimiter),
  };
}

/** A kernelspec as Jupyter resolved it: its folder (when known) and the command line it starts. */
export interface FoundKernel {
  dir?: string;
  argv: string[];
}

/**
 * Why `found` is not the kernel of the checkout at `root` (undefined when it is). Without a folder (the
 * notebook server's API does not give it) the command it runs decides.
 */
export function kernelMismatch(found: FoundKernel | undefined, root = projectRoot): string | undefined {
  const place = kernelPlace(root);
  const kernel = `Jupyter's ${KERNEL_NAME} kernel`;
  if (!found) return `Jupyter has no ${KERNEL_NAME} kernel for ${root}: ${INSTALL_HINT}`;
  if (found.argv[0] !== place.binary)
    return `${kernel} runs ${found.argv[0]}, not this checkout's ${place.binary}: ${INSTALL_HINT}`;
  if (found.dir !== undefined && found.dir !== place.specDir)
    return `${kernel} is ${found.dir}, not this checkout's ${place.specDir}: ${INSTALL_HINT}`;
  return undefined;
}

/** The Python that runs Jupyter (tslab's installer needs its jupyter_client): the `jupyter` script's interpreter. */
function jupyterPython(env: NodeJS.ProcessEnv): string {
  const dirs = readSettings(env).searchPath;
  const script = dirs.map((d) => path.join(d, 'jupyter')).find((p) => existsSync(p));
  if (!script) throw new Error("jupyter is not on PATH: `make setup` installs it (Debian's jupyter-client)");
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readFileSync(script, 'utf8').split('\n', 1)[0]);
  if (!shebang) throw new Error(`${script} does not start with #!<python>: cannot tell which Python runs Jupyter`);
  // `#!/usr/bin/env python3` names the Python by its second word.
  return path.basename(shebang[1]) === 'env' && shebang[2] ? shebang[2] : shebang[1];
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await execFileAsync(command, args, { env, maxBuffer: 16 << 20 })).stdout;
  } catch (err) {
    const { stderr, stdout, message } = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${(stderr || stdout || message).trim()}`);
  }
}

/** `jupyter kernelspec list --json`: each kernelspec Jupyter resolves, by name. */
interface KernelSpecList {
  kernelspecs: Record<string, { resource_dir: string; spec: { argv: string[] } }>;
}

/** The tslab kernelspec Jupyter finds for the checkout at `root` (with its environment), whoever's it is. */
export async function findKernel(root = projectRoot, extra: NodeJS.ProcessEnv = {}): Promise<FoundKernel | undefined> {
  const out = await run('jupyter', ['kernelspec', 'list', '--json'], jupyterEnvironment(extra, root));
  const spec = (JSON.parse(out) as KernelSpecList).kernelspecs[KERNEL_NAME];
  return spec && { dir: spec.resource_dir, argv: spec.spec.argv };
}

/** The kernel Jupyter finds for the checkout at `root`; throws unless it is that checkout's own. */
export async function checkKernel(root = projectRoot, extra: NodeJS.ProcessEnv = {}): Promise<FoundKernel> {
  const found = await findKernel(root, extra);
  const mismatch = kernelMismatch(found, root);
  if (!found || mismatch) throw new Error(mismatch);
  return found;
}

/**
 * Registers the checkout's tslab under its .jupyter/ (replacing what an earlier run put there, nothing
 * outside it), then checks that Jupyter with the checkout's environment finds it. `extra`: environment.
 */
export async function installKernel(root = projectRoot, extra: NodeJS.ProcessEnv = {}): Promise<FoundKernel> {
  const { prefix, binary } = kernelPlace(root);
  if (!existsSync(binary)) throw new Error(`${binary} is missing: \`make install\` (npm ci) installs tslab`);
  const env = childEnvironment(extra);
  const python = jupyterPython(env);
  await run(binary, ['install', `--python=${python}`, `--binary=${binary}`, `--prefix=${prefix}`], env);
  return checkKernel(root, extra);
}
