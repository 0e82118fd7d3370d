// TF.js backend for the page: WebGL on a real GPU, else wasm (SIMD, and threads when the page is
// cross-origin isolated). Headless Chromium without a GPU still offers WebGL through the SwiftShader
// software renderer, measured 7x slower than wasm here, so a software renderer counts as no GPU.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { type BackendChoice, PAGE_BACKENDS, type PageBackend } from '../src/browser';

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render driver|mesa offscreen/i;

/** The unmasked WebGL renderer, or undefined without WebGL. */
export function webglRenderer(): string | undefined {
  const canvas = document.createElement('canvas');
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

export function parseBackend(text: string): PageBackend {
  if (!(PAGE_BACKENDS as readonly string[]).includes(text)) {
    throw new Error(`backend "${text}" is not one of ${PAGE_BACKENDS.join(', ')}`);
  }
  return text as PageBackend;
}

export async function chooseBackend(wasmPath: string, forced?: PageBackend): Promise<BackendChoice> {
  setWasmPaths(wasmPath);
  const renderer = webglRenderer();
  let order: { name: PageBackend; why: string }[];
  if (forced) order = [{ name: forced, why: 'chosen in the page address (?backend=)' }];
  else if (renderer && !SOFTWARE_RENDERERS.test(renderer)) {
    order = [
      { name: 'webgl', why: `GPU: ${renderer}` },
      { name: 'wasm', why: 'WebGL did not start' },
    ];
  } else {
    const why = renderer ? `WebGL is a software renderer here (${renderer}), slower than wasm` : 'no WebGL';
    order = [{ name: 'wasm', why }];
  }
  order.push({ name: 'cpu', why: 'no faster backend started (about 20x slower than wasm)' });
  const failures: string[] = [];
  for (const { name, why } of order) {
    try {
      if (!(await tf.setBackend(name))) throw new Error('setBackend returned false');
      await tf.ready();
      const choice: BackendChoice = { name, why: failures.length ? `${why}; ${failures.join('; ')}` : why, renderer };
      if (name === 'wasm') {
        choice.simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
        choice.threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
      }
      return choice;
    } catch (err) {
      failures.push(`${name} failed: ${(err as Error).message}`);
      if (forced) break;
    }
  }
  throw new Error(`no TensorFlow.js backend started: ${failures.join('; ')}`);
}
