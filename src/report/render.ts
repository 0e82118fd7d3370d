// Figures rendered two ways: interactive HTML (plotly.js from a shared plotly.min.js next to the
// pages, so they work offline) and static PNG (plotly's toImage in headless Chromium, driven by
// playwright-core, so the results show on any Git host). No network: nothing comes from a CDN.
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { settings } from '../settings';
import { writeFileAtomic } from '../util/fs';
import type { Figure } from './figures';

export const PLOTLY_FILE = 'plotly.min.js';
const plotlySource = require.resolve('plotly.js-dist-min/plotly.min.js');

export interface ImageSize {
  /** CSS pixels (default 900, or the layout's width). */
  width?: number;
  /** CSS pixels (default 600, or the layout's height). */
  height?: number;
  /** Device pixels per CSS pixel in the PNG (default 2: a 900x600 figure is 1800x1200). */
  scale?: number;
}

export function resolveSize(figure: Figure, size: ImageSize = {}): Required<ImageSize> {
  const fromLayout = (k: 'width' | 'height') =>
    typeof figure.layout[k] === 'number' ? (figure.layout[k] as number) : undefined;
  return {
    width: size.width ?? fromLayout('width') ?? 900,
    height: size.height ?? fromLayout('height') ?? 600,
    scale: size.scale ?? 2,
  };
}

export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** CHROMIUM_PATH, else /usr/bin/chromium, else chromium or chromium-browser on PATH; undefined if none. */
export function findChromium(): string | undefined {
  const { chromium: configured, searchPath } = settings();
  if (configured) return configured;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of searchPath) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (existsSync(path.join(dir, name))) return path.join(dir, name);
    }
  }
  return undefined;
}

const INSTALL_HINT =
  "Install Debian's chromium with `make setup` (or `apt-get install chromium`), or set CHROMIUM_PATH to a " +
  'Chromium or Chrome executable.';

/** One headless Chromium with plotly.js loaded, reused for every figure until close(). */
export class FigureRenderer {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async launch(executablePath = findChromium()): Promise<FigureRenderer> {
    if (!executablePath)
      throw new Error(
        'No Chromium found for rendering figures (looked at CHROMIUM_PATH, /usr/bin/chromium, chromium and ' +
          `chromium-browser on PATH). ${INSTALL_HINT}`,
      );
    let browser: Browser;
    try {
      browser = await chromium.launch({ executablePath, args: LAUNCH_ARGS, timeout: 60_000 });
    } catch (err) {
      const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      throw new Error(`Cannot launch Chromium at ${executablePath} to render figures: ${first}. ${INSTALL_HINT}`);
    }
    try {
      const page = await browser.newPage();
      await page.route('**/*', (route) => route.abort()); // offline by construction
      await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
      await page.addScriptTag({ path: plotlySource });
      return new FigureRenderer(browser, page);
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** Plotly.validate's complaints (unknown attributes, bad values), as text; empty when valid. */
  async validate(figure: Figure): Promise<string[]> {
    return this.page.evaluate((fig) => {
      const plotly = (
        globalThis as unknown as { Plotly: { validate(d: unknown, l: unknown): { msg: string }[] | undefined } }
      ).Plotly;
      return (plotly.validate(fig.data, fig.layout) ?? []).map((e) => e.msg);
    }, figure);
  }

  /** PNG bytes of the figure on a white background, (width x scale) by (height x scale) pixels. */
  async render(figure: Figure, size?: ImageSize): Promise<Buffer> {
    const opts = resolveSize(figure, size);
    const url = await this.page.evaluate(
      async ({ fig, opts }) => {
        const plotly = (globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } })
          .Plotly;
        return plotly.toImage(fig, { format: 'png', ...opts });
      },
      { fig: figure, opts },
    );
    const prefix = 'data:image/png;base64,';
    if (!url.startsWith(prefix)) throw new Error(`Plotly.toImage returned ${url.slice(0, 40)}..., not a PNG data URL`);
    return Buffer.from(url.slice(prefix.length), 'base64');
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** The layout's title text, or 'figure'. */
export function figureTitle(figure: Figure): string {
  const text = (figure.layout.title as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? text : 'figure';
}

/** Text safe inside a double-quoted HTML attribute or element content. */
export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** JSON to embed inside <script>: escapes what could end the element or break JavaScript parsing. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A standalone interactive page; `plotlySrc` is where plotly.min.js lies relative to it. */
export function figureHtml(
  figure: Figure,
  opts: { title?: string; plotlySrc?: string; size?: ImageSize } = {},
): string {
  const { width, height } = resolveSize(figure, opts.size);
  const title = opts.title ?? figureTitle(figure);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeAttr(title)}</title>
<script src="${escapeAttr(opts.plotlySrc ?? PLOTLY_FILE)}"></script>
<style>
html, body { margin: 0; background: white; }
#plot { max-width: ${width}px; height: ${height}px; margin: 0 auto; }
</style>
</head>
<body>
<div id="plot"></div>
<script>
const figure = ${scriptJson(figure)};
Plotly.newPlot('plot', figure.data, figure.layout, { responsive: true, displaylogo: false });
</script>
</body>
</html>
`;
}

const plotlyCopied = new Set<string>();

/** Copies plotly.min.js into `dir` unless an identical copy is there already (checked once per process). */
export async function ensurePlotly(dir: string): Promise<string> {
  const target = path.resolve(dir, PLOTLY_FILE);
  if (plotlyCopied.has(target) && existsSync(target)) return target;
  const source = await fs.readFile(plotlySource);
  const current = await fs.readFile(target).catch(() => undefined);
  if (!current?.equals(source)) await writeFileAtomic(target, source);
  plotlyCopied.add(target);
  return target;
}

export interface FigureFiles {
  html: string;
  png: string;
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    throw new Error(
      `figure name ${JSON.stringify(name)}: use letters, digits, '.', '_' and '-' (no folders, no extension)`,
    );
}

/** Writes `<dir>/<name>.png` and `<dir>/<name>.html` (plus `<dir>/plotly.min.js`), each atomically. */
export async function writeFigures(
  dir: string,
  name: string,
  figure: Figure,
  opts: { renderer?: FigureRenderer; size?: ImageSize } = {},
): Promise<FigureFiles & { bytes: Buffer }> {
  checkName(name);
  const renderer = opts.renderer ?? (await FigureRenderer.launch());
  try {
    const bytes = await renderer.render(figure, opts.size);
    const files = { html: path.join(dir, `${name}.html`), png: path.join(dir, `${name}.png`) };
    await ensurePlotly(dir);
    await writeFileAtomic(files.png, bytes);
    await writeFileAtomic(files.html, figureHtml(figure, { size: opts.size }));
    return { ...files, bytes };
  } finally {
    if (!opts.renderer) await renderer.close();
  }
}

/** Many figures in one browser session: name -> figure in, name -> files out. */
export async function writeAllFigures(
  dir: string,
  figures: Record<string, Figure>,
  opts: { size?: ImageSize } = {},
): Promise<Record<string, FigureFiles>> {
  Object.keys(figures).forEach(checkName);
  const renderer = await FigureRenderer.launch();
  try {
    const out: Record<string, FigureFiles> = {};
    for (const [name, figure] of Object.entries(figures)) {
      const { html, png } = await writeFigures(dir, name, figure, { renderer, size: opts.size });
      out[name] = { html, png };
    }
    return out;
  } finally {
    await renderer.close();
  }
}
