// Picks the fastest TensorFlow.js backend that loads here, once per process.
// Order: tfjs-node (native TensorFlow) -> wasm (SIMD, XNNPACK) -> cpu (20x slower, warned about).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as os from 'node:os';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { BACKENDS, type BackendName, settings } from './settings';

export type { BackendName };

export interface Environment {
  backend: BackendName;
  versions: Record<string, string>;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
}

let chosen: Promise<Environment> | undefined;

/**
 * Initialises the backend (idempotent: the first call decides) and returns the environment it runs
 * in. `forced` (default: KOMBAT_BACKEND) names one; tests use cpu as the reference.
 */
export function initBackend(forced: BackendName | undefined = settings().backend): Promise<Environment> {
  chosen ??= choose(forced, true);
  return chosen;
}

/** initBackend in a worker thread of the pool: its parent already announced the backend. */
export function initWorkerBackend(backend: BackendName | undefined): Promise<Environment> {
  chosen ??= choose(backend, false);
  return chosen;
}

async function choose(forced: BackendName | undefined, announce: boolean): Promise<Environment> {
  const order: BackendName[] = forced ? [forced] : [...BACKENDS];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (name === 'tensorflow') require('@tensorflow/tfjs-node');
      if (!(await tf.setBackend(name))) throw new Error('setBackend returned false');
      await tf.ready();
      if (name === 'wasm') patchWasmMatMul();
      const env = environment(name);
      if (name === 'cpu' && !forced) {
        console.error(
          `kombat: WARNING: neither tfjs-node nor wasm loaded (${failures.join('; ')}); ` +
            'falling back to the plain cpu backend, about 20x slower. Run `npm ci` to repair.',
        );
      }
      if (announce) console.error(`kombat: backend ${name} (tfjs ${env.versions.tfjs}, node ${env.node})`);
      return env;
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${failures.join('; ')}`);
}

function packageVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

function environment(backend: BackendName): Environment {
  const versions: Record<string, string> = {};
  for (const [key, pkg] of Object.entries({
    tfjs: '@tensorflow/tfjs',
    'tfjs-backend-wasm': '@tensorflow/tfjs-backend-wasm',
    'tfjs-node': '@tensorflow/tfjs-node',
    mobilenet: '@tensorflow-models/mobilenet',
    sharp: 'sharp',
  })) {
    const v = packageVersion(pkg);
    if (v) versions[key] = v;
  }
  const cpus = os.cpus();
  return {
    backend,
    versions,
    node: process.versions.node,
    platform: `${os.platform()}-${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

/**
 * XNNPACK in the wasm backend is only used for the plain product: with transposeA a
 * 1024^3 matmul is ~50x slower, with transposeB ~7x (measured here). Backprop through a
 * dense layer needs exactly those products, so re-register BatchMatMul and _FusedMatMul to
 * transpose explicitly (cheap) and then call the original kernel without transposes.
 */
export function patchWasmMatMul(): void {
  for (const kernelName of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (!original || (original.kernelFunc as { plainProduct?: boolean }).plainProduct) continue;
    const kernelFunc = plainProduct(original.kernelFunc);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc } as KernelConfig);
  }
}

function plainProduct(original: KernelFunc): KernelFunc {
  const wrapped: KernelFunc = ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
    const transpose = tf.getKernel('Transpose', 'wasm').kernelFunc;
    const swapLastTwo = (x: TensorInfo): TensorInfo => {
      const rank = x.shape.length;
      const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      return transpose({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
    };
    const a = transposeA ? swapLastTwo(inputs.a as TensorInfo) : (inputs.a as TensorInfo);
    const b = transposeB ? swapLastTwo(inputs.b as TensorInfo) : (inputs.b as TensorInfo);
    const out = original({
      inputs: { ...inputs, a, b },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    const data = backend as { disposeData(id: object): void };
    if (transposeA) data.disposeData(a.dataId);
    if (transposeB) data.disposeData(b.dataId);
    return out;
  };
  (wrapped as { plainProduct?: boolean }).plainProduct = true;
  return wrapped;
}

export { tf };
