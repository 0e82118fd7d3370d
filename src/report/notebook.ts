// Figures in notebooks (tslab kernel): write both versions and hand back the PNG bytes for
//   const fig = await notebookFigure('confusion', confusionHeatmap(m, classes, { title: 'Test' }));
//   tslab.display.png(fig.bytes);   // fig.html: the interactive version
// One Chromium serves consecutive cells; it closes after a few idle seconds (or closeNotebookRenderer()).
import * as path from 'node:path';
import { settings } from '../settings';
import type { Figure } from './figures';
import { type FigureFiles, FigureRenderer, type ImageSize, writeFigures } from './render';

/** <reports>/figures: where the chapters' figures go. */
export function figuresDir(): string {
  return path.join(settings().reportsDir, 'figures');
}
const IDLE_MS = 10_000;

interface Shared {
  renderer: Promise<FigureRenderer>;
  users: number;
  timer?: NodeJS.Timeout;
}
let shared: Shared | undefined;

async function withRenderer<T>(fn: (r: FigureRenderer) => Promise<T>): Promise<T> {
  shared ??= { renderer: FigureRenderer.launch(), users: 0 };
  const s = shared;
  clearTimeout(s.timer);
  s.users++;
  try {
    return await fn(
      await s.renderer.catch((err) => {
        if (shared === s) shared = undefined; // let the next call try again
        throw err;
      }),
    );
  } finally {
    if (--s.users === 0 && shared === s) s.timer = setTimeout(() => void closeNotebookRenderer(), IDLE_MS);
  }
}

/** Closes the shared browser now (a later call launches a new one). */
export async function closeNotebookRenderer(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (!s) return;
  clearTimeout(s.timer);
  await s.renderer.then(
    (r) => r.close(),
    () => undefined,
  );
}

/** Writes `<dir>/<name>.png` and `.html` (dir defaults to reports/figures); returns their paths and the PNG bytes. */
export async function notebookFigure(
  name: string,
  figure: Figure,
  opts: { dir?: string; size?: ImageSize } = {},
): Promise<FigureFiles & { bytes: Buffer }> {
  return withRenderer((renderer) =>
    writeFigures(opts.dir ?? figuresDir(), name, figure, { renderer, size: opts.size }),
  );
}
