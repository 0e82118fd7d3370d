// Figures in notebooks (tslab kernel), in one call per figure:
//   await notebookFigure('confusion', confusionHeatmap(m, classes, { title: 'Test' }));
// writes reports/figures/confusion.{png,html} for the results page and shows the figure as the cell's
// output: interactive plotly where the page runs scripts and the notebook server serves plotly.js
// (`kombat notebook`), the PNG everywhere else (untrusted notebooks, GitHub, nbconvert, PDF).
// One Chromium renders the PNGs of consecutive cells; it closes after a few idle seconds (or
// closeNotebookRenderer()).
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Figure } from '../report/figures';
import {
  escapeAttr,
  type FigureFiles,
  FigureRenderer,
  figureTitle,
  type ImageSize,
  resolveSize,
  scriptJson,
  writeFigures,
} from '../report/render';
import { displayPath, settings } from '../settings';
import { displayBundle, type MimeBundle } from './display';

/** <reports>/figures: where the chapters' figures go. */
export function figuresDir(): string {
  return path.join(settings().reportsDir, 'figures');
}
const IDLE_MS = 10_000;

/**
 * Where the notebook page finds plotly.js: a require.js module id under the server's /nbextensions/,
 * which `kombat notebook` maps to node_modules/plotly.js-dist-min (see src/notebook/server.ts).
 */
export const NOTEBOOK_PLOTLY_MODULE = 'nbextensions/plotly.min';

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

/**
 * A figure as one notebook output with three representations; each viewer shows the richest it can:
 * - text/html: the PNG in an <img>, and a script that swaps in the interactive plot once require.js
 *   (the classic notebook page) loads plotly.js from the server. Where scripts are stripped (an
 *   untrusted notebook, GitHub) or plotly.js cannot be loaded, the <img> stays: a static figure.
 * - image/png: for viewers that skip HTML (PDF export, some editors).
 * - text/plain: where the PNG lies on disk.
 */
export function figureBundle(figure: Figure, png: Buffer, opts: { file?: string; size?: ImageSize } = {}): MimeBundle {
  const { width, height } = resolveSize(figure, opts.size);
  const id = `kombat-figure-${randomBytes(6).toString('hex')}`;
  const title = figureTitle(figure);
  const base64 = png.toString('base64');
  // The script runs when the output is inserted, before it is attached to the page: it looks the
  // element up only in the require.js callback, which comes later.
  const html = `<div id="${id}" class="kombat-figure">
<img src="data:image/png;base64,${base64}" alt="${escapeAttr(title)}" width="${width}" height="${height}">
</div>
<script type="text/javascript">
(function () {
  var figure = ${scriptJson(figure)};
  if (typeof window.require !== 'function' || typeof window.require.config !== 'function') return;
  window.require(['${NOTEBOOK_PLOTLY_MODULE}'], function (Plotly) {
    var box = document.getElementById('${id}');
    if (!box) return;
    var plot = document.createElement('div');
    plot.className = 'kombat-plot';
    plot.style.cssText = 'width: 100%; max-width: ${width}px; height: ${height}px;';
    box.appendChild(plot);
    Plotly.newPlot(plot, figure.data, figure.layout, { responsive: true, displaylogo: false }).then(function () {
      var img = box.querySelector('img');
      if (img) box.removeChild(img);
    });
  }, function () { /* plotly.js not served here: the PNG stays */ });
})();
</script>`;
  const where = opts.file ? ` (${displayPath(opts.file)})` : '';
  return { 'text/html': html, 'image/png': base64, 'text/plain': `Figure: ${title}${where}` };
}

/**
 * Writes `<dir>/<name>.png` and `.html` (dir defaults to reports/figures) and, in a notebook, shows the
 * figure as the cell's output (figureBundle); returns the files' paths and the PNG bytes.
 */
export async function notebookFigure(
  name: string,
  figure: Figure,
  opts: { dir?: string; size?: ImageSize } = {},
): Promise<FigureFiles & { bytes: Buffer }> {
  const files = await withRenderer((renderer) =>
    writeFigures(opts.dir ?? figuresDir(), name, figure, { renderer, size: opts.size }),
  );
  displayBundle(figureBundle(figure, files.bytes, { file: files.png, size: opts.size }));
  return files;
}
