// A reader's path, in a real browser: the notebook server as `kombat notebook` starts it (127.0.0.1,
// a token) over a scratch copy of chapters 00 and 04 in smoke mode, every cell run through the page
// (Cell → Run All) in Debian's Chromium driven by playwright-core. Chapter 04 reads the dataset and
// its augmented copy of chapters 01-02, built first with the CLI into the scratch folder.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type NotebookServer, startNotebookServer } from '../src/notebook/server';
import { findChromium } from '../src/report/render';
import { projectRoot } from '../src/settings';
import { tempDir } from './helpers';

const CHAPTERS = ['00-setup', '04-binary'] as const;
const TRAINING_CHAPTER = '04-binary';
const RUN_TIMEOUT_MS = 5 * 60_000;

// The part of the classic Notebook's page object (window.Jupyter) that the test reads.
interface PageOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
interface PageCell {
  cell_type: string;
  input_prompt_number: unknown;
  output_area: { outputs: PageOutput[] };
}
interface KernelMessage {
  msg_type: string;
  content: { status?: string; text?: string };
}
interface PageNotebook {
  _fully_loaded: boolean;
  trusted: boolean;
  kernel_busy: boolean;
  kernel: {
    name: string;
    info_reply: { implementation: string; language_info: { name: string } };
    is_connected(): boolean;
    execute(
      code: string,
      callbacks: { iopub: { output(m: KernelMessage): void }; shell: { reply(m: KernelMessage): void } },
      options: { silent: boolean; store_history: boolean },
    ): void;
  };
  get_cells(): PageCell[];
  save_notebook(): Promise<void>;
}
declare global {
  interface Window {
    Jupyter: { notebook: PageNotebook };
  }
}

interface OutputSummary {
  type: string;
  name?: string;
  mimes: string[];
  text: string;
}
interface CellSummary {
  prompt: unknown;
  outputs: OutputSummary[];
}
interface Run {
  cells: CellSummary[];
  kernel: { name: string; language: string; implementation: string };
  kernelPid: number;
  figures: { outputs: number; plots: number; svgs: number; images: number };
  progress: string[];
  pageErrors: string[];
  externalRequests: string[];
}

/** Records every request that is not to the notebook server (and refuses it): the page must work offline. */
async function offlinePage(browser: Browser, server: NotebookServer, external: string[], errors: string[]) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith(server.baseUrl)) return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  page.on('pageerror', (err) => errors.push(err.message));
  // tsx compiles the functions handed to page.evaluate with esbuild's keepNames, which calls __name.
  await page.addInitScript('window.__name = (fn) => fn;');
  return page;
}

async function openNotebook(page: Page, server: NotebookServer, file: string): Promise<void> {
  await page.goto(`${server.baseUrl}notebooks/${file}?token=${server.token}`);
  await page.waitForFunction(
    () => {
      const nb = window.Jupyter?.notebook;
      return nb?._fully_loaded && nb.kernel?.is_connected() && nb.kernel.info_reply?.language_info;
    },
    null,
    { timeout: 60_000 },
  );
}

/** Opens a chapter, runs every cell from the Cell menu, waits for the kernel to finish, reads the page. */
async function runChapter(browser: Browser, server: NotebookServer, chapter: string): Promise<Run> {
  const externalRequests: string[] = [];
  const pageErrors: string[] = [];
  const page = await offlinePage(browser, server, externalRequests, pageErrors);
  try {
    await openNotebook(page, server, `${chapter}.ipynb`);
    await page.click('#celllink');
    await page.click('#run_all_cells');
    // Run All queues every cell ('*'); each reply sets its execution count, or none for the cells
    // tslab skips after a failure. Done when no cell waits any more and the kernel is idle.
    await page.waitForFunction(
      () => window.Jupyter.notebook.get_cells().some((c) => c.input_prompt_number === '*'),
      null,
      { timeout: 10_000 },
    );
    await page.waitForFunction(
      () => {
        const nb = window.Jupyter.notebook;
        return !nb.kernel_busy && !nb.get_cells().some((c) => c.input_prompt_number === '*');
      },
      null,
      { timeout: RUN_TIMEOUT_MS, polling: 500 },
    );
    const read = await page.evaluate(() => {
      const nb = window.Jupyter.notebook;
      const text = (o: PageOutput) => {
        const t = o.text ?? o.data?.['text/plain'] ?? '';
        return Array.isArray(t) ? t.join('') : String(t);
      };
      const info = nb.kernel.info_reply;
      return {
        cells: nb
          .get_cells()
          .filter((c) => c.cell_type === 'code')
          .map((c) => ({
            prompt: c.input_prompt_number,
            outputs: c.output_area.outputs.map((o) => ({
              type: o.output_type,
              name: o.name,
              mimes: Object.keys(o.data ?? {}),
              text: o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : text(o),
            })),
          })),
        kernel: { name: nb.kernel.name, language: info.language_info.name, implementation: info.implementation },
        figures: {
          outputs: document.querySelectorAll('.kombat-figure').length,
          plots: document.querySelectorAll('.kombat-figure .kombat-plot .plot-container').length,
          svgs: document.querySelectorAll('.kombat-figure .kombat-plot svg.main-svg').length,
          images: document.querySelectorAll('.kombat-figure img').length,
        },
      };
    });
    // The process the cells ran in: the test checks it is gone once the server stops.
    const kernelPid = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          let out = '';
          setTimeout(() => reject(new Error(`no reply to process.pid (output so far: ${out})`)), 30_000);
          window.Jupyter.notebook.kernel.execute(
            'console.log(process.pid)',
            {
              iopub: { output: (msg) => (out += msg.content.text ?? '') },
              shell: { reply: (msg) => (msg.content.status === 'ok' ? resolve(Number(out)) : reject(out)) },
            },
            { silent: false, store_history: false },
          );
        }),
    );
    await page.evaluate(() => window.Jupyter.notebook.save_notebook());
    const progress = read.cells.flatMap((c) =>
      c.outputs.filter((o) => o.type === 'display_data' && o.mimes.join() === 'text/plain').map((o) => o.text),
    );
    return { ...read, kernelPid, progress, pageErrors, externalRequests };
  } finally {
    await page.close();
  }
}

function assertRanClean(chapter: string, run: Run): void {
  const codeCells = run.cells.length;
  assert.ok(codeCells > 0, `${chapter}: no code cells`);
  const errors = run.cells.flatMap((c, i) =>
    c.outputs
      .filter(
        (o) =>
          o.type === 'error' ||
          (o.type === 'stream' && o.name === 'stderr' && /error|exception|unhandled|warn/i.test(o.text)),
      )
      .map((o) => `cell ${i + 1}: ${o.text.slice(0, 500)}`),
  );
  assert.deepEqual(errors, [], `${chapter}: error output`);
  assert.deepEqual(
    run.cells.map((c) => c.prompt),
    run.cells.map((_, i) => i + 1),
    `${chapter}: every code cell ran once, in order`,
  );
  assert.deepEqual(run.kernel, { name: 'tslab', language: 'typescript', implementation: 'tslab' });
  assert.deepEqual(run.pageErrors, [], `${chapter}: JavaScript errors in the page`);
  assert.deepEqual(run.externalRequests, [], `${chapter}: the page asked for something outside the notebook server`);
}

describe('chapters in the notebook UI (classic Jupyter, TypeScript kernel, Chromium)', () => {
  const scratch = tempDir('kombat-notebook-ui-');
  const notebooksDir = path.join(scratch, 'notebooks');
  const env = {
    KOMBAT_SMOKE: '1',
    KOMBAT_DATA_DIR: path.join(scratch, 'data'),
    KOMBAT_REPORTS_DIR: path.join(scratch, 'reports'),
    KOMBAT_MODELS_DIR: path.join(scratch, 'models'),
  };
  let server: NotebookServer | undefined;
  let browser: Browser | undefined;
  const runs = new Map<string, Run>();

  before(async () => {
    // The chapters import ../dist and tslab looks for ../node_modules: the same layout as the project.
    mkdirSync(notebooksDir);
    for (const chapter of CHAPTERS) {
      copyFileSync(
        path.join(projectRoot, 'notebooks', `${chapter}.ipynb`),
        path.join(notebooksDir, `${chapter}.ipynb`),
      );
    }
    symlinkSync(path.join(projectRoot, 'dist'), path.join(scratch, 'dist'));
    symlinkSync(path.join(projectRoot, 'node_modules'), path.join(scratch, 'node_modules'));
    const kombat = (...args: string[]) =>
      execFileSync(process.execPath, [path.join(projectRoot, 'bin', 'kombat.js'), ...args], {
        env: { ...process.env, ...env },
        stdio: 'pipe',
      });
    kombat('dataset', 'build');
    const data = path.join(env.KOMBAT_DATA_DIR, 'builtin');
    kombat('augment', '--data', data, '--out', `${data}-aug`, '--variants', '4', '--no-progress');

    server = await startNotebookServer({ dir: notebooksDir, port: 0, env, output: 'collect' });
    const executablePath = findChromium();
    assert.ok(executablePath, 'Chromium is needed: `make setup` installs it');
    browser = await chromium.launch({
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const chapter of CHAPTERS) {
    test(`${chapter}: every cell runs through the page with the TypeScript kernel, no errors`, async () => {
      assert.ok(server && browser);
      const run = await runChapter(browser, server, chapter);
      runs.set(chapter, run);
      assertRanClean(chapter, run);
    });
  }

  test(`${TRAINING_CHAPTER}: figures are interactive plotly, progress lines show the finished training`, () => {
    const run = runs.get(TRAINING_CHAPTER);
    assert.ok(run, `${TRAINING_CHAPTER} did not run`);
    // Two curves and two confusion matrices, each drawn by plotly.js in place of its PNG.
    assert.equal(run.figures.outputs, 4, JSON.stringify(run.figures));
    assert.equal(run.figures.plots, 4, JSON.stringify(run.figures));
    assert.ok(run.figures.svgs >= 4, JSON.stringify(run.figures));
    assert.equal(run.figures.images, 0, 'no static image left where plotly drew');
    const figureOutputs = run.cells.flatMap((c) => c.outputs).filter((o) => o.mimes.includes('text/html'));
    for (const o of figureOutputs) assert.deepEqual(o.mimes.sort(), ['image/png', 'text/html', 'text/plain']);
    // One progress output per training cell, replaced in place: its last state is the finished run.
    assert.equal(run.progress.length, 2, run.progress.join('\n'));
    for (const text of run.progress) assert.match(text, /epoch 2\/2 {2}loss \d/);
  });

  test(`${TRAINING_CHAPTER} saved and reopened without trust (as an executed copy): static figures`, async () => {
    assert.ok(server && browser && runs.has(TRAINING_CHAPTER));
    // Any change breaks the notebook's signature, so the server no longer trusts its outputs.
    const saved = JSON.parse(readFileSync(path.join(notebooksDir, `${TRAINING_CHAPTER}.ipynb`), 'utf8'));
    saved.cells[0].source = [...saved.cells[0].source, '\n'];
    writeFileSync(path.join(notebooksDir, 'untrusted.ipynb'), JSON.stringify(saved));
    const external: string[] = [];
    const errors: string[] = [];
    const page = await offlinePage(browser, server, external, errors);
    try {
      await openNotebook(page, server, 'untrusted.ipynb');
      const seen = await page.evaluate(() => ({
        trusted: window.Jupyter.notebook.trusted,
        figures: document.querySelectorAll('.kombat-figure').length,
        images: Array.from(document.querySelectorAll<HTMLImageElement>('.kombat-figure img')).filter(
          (img) => img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width > 0,
        ).length,
        plots: document.querySelectorAll('.kombat-plot').length,
      }));
      assert.deepEqual(seen, { trusted: false, figures: 4, images: 4, plots: 0 });
      assert.deepEqual(errors, []);
      assert.deepEqual(external, []);
    } finally {
      await page.close();
    }
  });

  test('stopping the server stops it and the kernels the chapters ran in', async () => {
    assert.ok(server && runs.size === CHAPTERS.length);
    const pids = [...runs.values()].map((r) => r.kernelPid);
    for (const pid of pids) assert.ok(Number.isInteger(pid) && pid > 0 && pid !== process.pid, `kernel pid ${pid}`);
    await server.stop();
    assert.notEqual(server.process.exitCode ?? server.process.signalCode, null, 'server process exited');
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // A kernel shut down by the server may take a moment to exit.
    const deadline = Date.now() + 10_000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(pids.filter(alive), [], 'kernels still running after the server stopped');
  });
});
