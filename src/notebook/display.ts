// Rich outputs for the notebook a tslab kernel is running: one output carrying several MIME types
// (an interactive figure and its PNG, so every viewer finds one it can show) and outputs replaced in
// place (progress). tslab's public `display` sends one MIME type per output, so this writes through
// the kernel's own display channel, found among the modules the kernel loaded; in any other process
// (the CLI, tests) there is none and nothing is shown.
import { randomBytes } from 'node:crypto';

/** MIME type -> content; binary types (image/png) base64-encoded, as Jupyter's messages carry them. */
export type MimeBundle = Record<string, string>;

interface DisplayContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}
type DisplayWriter = (content: DisplayContent, update: boolean) => void;

// tslab 1.0's kernel keeps the current cell's writer here (pinned version: see package.json).
const KERNEL_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/** The running kernel's display channel for the current cell, if this process is a tslab kernel. */
function kernelWriter(): DisplayWriter | undefined {
  for (const mod of Object.values(require.cache)) {
    if (!mod || !KERNEL_MODULE.test(mod.id)) continue;
    const writer = (mod.exports as { lastWriteDisplayData?: unknown }).lastWriteDisplayData;
    if (typeof writer === 'function') return writer as DisplayWriter;
  }
  return undefined;
}

/** True inside a tslab kernel that is executing or has executed a cell. */
export function inNotebook(): boolean {
  return kernelWriter() !== undefined;
}

/** Shows one output with every representation in `bundle`; false (and nothing shown) outside a notebook. */
export function displayBundle(bundle: MimeBundle): boolean {
  const write = kernelWriter();
  if (!write) return false;
  write({ data: bundle, metadata: {}, transient: {} }, false);
  return true;
}

/** One output that each `show` replaces (Jupyter's display_id): live progress, a status line. */
export class LiveOutput {
  private readonly id = randomBytes(8).toString('hex');
  private shown = false;

  /** Shows `bundle`, replacing what this output showed before; false outside a notebook. */
  show(bundle: MimeBundle): boolean {
    const write = kernelWriter();
    if (!write) return false;
    write({ data: bundle, metadata: {}, transient: { display_id: this.id } }, this.shown);
    this.shown = true;
    return true;
  }
}
