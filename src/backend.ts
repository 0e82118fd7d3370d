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
 *
 * XNNPACK also packs the second operand (the "weights") into its own layout, reading it
 * transposed, and keeps the packed copy for the next product with the same tensor. In training
 * the weights are new every step, so the forward product of a dense layer packed them every
 * time: 10 ms for 64x768 times 768x1024, against 3.8 ms with them packed already. For a second
 * operand not seen before, large, and a small first one, the product is computed as (B^T A^T)^T:
 * B transposed explicitly (blocked, faster than packing it), the small A^T packed instead.
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

/** Second operands already seen: their next products are direct (XNNPACK then packs them once and keeps them). */
const packed = new WeakSet<object>();
/** Below this many values a second operand packs fast enough. */
const SWAP_MIN_VALUES = 1 << 16;

/**
 * Whether a plain product A [m, k] x B [k, n] goes as (B^T A^T)^T: B new and large, and the three
 * transposes (of A, B and the result) cheaper than packing B, i.e. A and the result small beside it.
 */
function swapPays(a: TensorInfo, b: TensorInfo): boolean {
  // tfjs hands the kernel [1, m, k] and [1, k, n] for a plain 2-D product.
  const single = (t: TensorInfo) => t.shape.length === 2 || (t.shape.length === 3 && t.shape[0] === 1);
  if (!single(a) || !single(b) || packed.has(b.dataId)) return false;
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  return k * n >= SWAP_MIN_VALUES && 4 * m * (k + n) <= k * n;
}

function plainProduct(original: KernelFunc): KernelFunc {
  const wrapped: KernelFunc = ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const transpose = tf.getKernel('Transpose', 'wasm').kernelFunc;
    const swapLastTwo = (x: TensorInfo): TensorInfo => {
      const rank = x.shape.length;
      const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      return transpose({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
    };
    const data = backend as { disposeData(id: object): void };
    if (!transposeA && !transposeB) {
      const { a, b, bias } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
      const activation = (attrs as { activation?: string }).activation ?? 'linear';
      const fusedOk = (activation === 'linear' || activation === 'relu') && !inputs.preluActivationWeights;
      const swap = fusedOk && swapPays(a, b);
      // Seen once: a second product with this B (more batches of one evaluation) packs it and keeps it.
      packed.add(b.dataId);
      if (!swap) return original({ inputs, backend, attrs });
      const [bt, at] = [swapLastTwo(b), swapLastTwo(a)];
      const ct = original({
        inputs: { a: bt, b: at },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false, activation: 'linear' },
      }) as TensorInfo;
      let out = swapLastTwo(ct);
      for (const t of [bt, at, ct]) data.disposeData(t.dataId);
      const then = (kernel: string, extra: Record<string, TensorInfo>) => {
        const next = tf
          .getKernel(kernel, 'wasm')
          .kernelFunc({ inputs: { ...extra }, backend, attrs: {} }) as TensorInfo;
        data.disposeData(out.dataId);
        out = next;
      };
      if (bias) then('Add', { a: out, b: bias });
      if (activation === 'relu') then('Relu', { x: out });
      return out;
    }
    const a = transposeA ? swapLastTwo(inputs.a as TensorInfo) : (inputs.a as TensorInfo);
    const b = transposeB ? swapLastTwo(inputs.b as TensorInfo) : (inputs.b as TensorInfo);
    const out = original({
      inputs: { ...inputs, a, b },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    if (transposeA) data.disposeData(a.dataId);
    if (transposeB) data.disposeData(b.dataId);
    return out;
  };
  (wrapped as { plainProduct?: boolean }).plainProduct = true;
  return wrapped;
}

export { tf };
