// A reader's path, in a real browser: the notebook server as `kombat notebook` starts it (127.0.0.1, a
// token, this checkout's kernel) over a scratch copy of chapters 00 and 05 in smoke mode, every cell run
// through the page (Cell → Run All) in Debian's Chromium driven by playwright-core; then, as a reader
// would, the learning rate changed in chapter 05's knobs cell and the chapter run again from there (Cell →
// Run All Below). Chapter 05 reads the dataset and its augmented copy of chapters 01-02, built first with
// the CLI into the scratch folder.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { kernelPlace } from '../src/notebook/kernel';
import { type NotebookServer, startNotebookServer } from '../src/notebook/server';
import { findChromium } from '../src/report/render';
import { projectRoot } from '../src/settings';
import { tempDir } from './helpers';

const CHAPTERS = ['00-setup', '05-ternary'] as const;
const TRAINING_CHAPTER = '05-ternary';
/** Chapter 05's figures: the training curves and the confusion matrix of each of its three runs. */
const TRAINING_FIGURES = 6;
/** Its one training cell trains the three set-ups side by side: one progress output, a line per run. */
const TRAINING_CELLS = 1;
const TRAINING_RUNS = 3;
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
  get_text(): string;
  set_text(text: string): void;
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
  select(index: number): void;
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
  source: string;
  outputs: OutputSummary[];
}
interface Run {
  cells: CellSummary[];
  kernel: { name: string; language: string; implementation: string };
  /** The kernel's process, and the tslab it runs (process.argv[1]: the kernelspec's command). */
  kernelProcess: KernelProcess;
  figures: { outputs: number; plots: number; svgs: number; images: number };
  progress: string[];
  pageErrors: string[];
  externalRequests: string[];
}

interface KernelProcess {
  pid: number;
  tslab: string;
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
  await notebookLoaded(page);
}

/** Waits for the page's notebook to load and its kernel to connect. */
async function notebookLoaded(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const nb = window.Jupyter?.notebook;
      return nb?._fully_loaded && nb.kernel?.is_connected() && nb.kernel.info_reply?.language_info;
    },
    null,
    { timeout: 60_000 },
  );
}

/** Runs cells from the Cell menu (`item`: its element id) and waits until the kernel has finished them. */
async function runFromMenu(page: Page, item: 'run_all_cells' | 'run_all_cells_below'): Promise<void> {
  await page.click('#celllink');
  await page.click(`#${item}`);
  // The menu queues the cells ('*'); each reply sets its execution count, or none for the cells
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
}

/** The code cells as the page shows them, the kernel, and the figures drawn. */
function readPage(page: Page) {
  return page.evaluate(() => {
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
          source: c.get_text(),
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
}

/**
 * The process the page's kernel runs in (so that a test can tell one kernel from another, or from none),
 * and the tslab it runs.
 */
function kernelProcess(page: Page): Promise<KernelProcess> {
  return page.evaluate(
    () =>
      new Promise<KernelProcess>((resolve, reject) => {
        // The shell reply and the iopub output travel on different channels, in either order: both must arrive.
        let out = '';
        let replied = false;
        const settle = () => {
          if (replied && /^\{.*\}\s*$/.test(out)) resolve(JSON.parse(out));
        };
        setTimeout(() => reject(new Error(`no reply to process.pid and argv (output so far: ${out})`)), 30_000);
        window.Jupyter.notebook.kernel.execute(
          'console.log(JSON.stringify({ pid: process.pid, tslab: process.argv[1] }))',
          {
            iopub: {
              output: (msg) => {
                out += msg.content.text ?? '';
                settle();
              },
            },
            shell: {
              reply: (msg) => {
                if (msg.content.status !== 'ok') return reject(new Error(`process.pid failed: ${out}`));
                replied = true;
                settle();
              },
            },
          },
          { silent: false, store_history: false },
        );
      }),
  );
}

/** Progress outputs: a display of plain text alone (figures carry HTML and PNG too). */
function progressOf(cells: CellSummary[]): string[] {
  return cells.flatMap((c) =>
    c.outputs.filter((o) => o.type === 'display_data' && o.mimes.join() === 'text/plain').map((o) => o.text),
  );
}

/** Opens a chapter, runs every cell from the Cell menu, waits for the kernel to finish, reads the page. */
async function runChapter(browser: Browser, server: NotebookServer, chapter: string): Promise<Run> {
  const externalRequests: string[] = [];
  const pageErrors: string[] = [];
  const page = await offlinePage(browser, server, externalRequests, pageErrors);
  try {
    await openNotebook(page, server, `${chapter}.ipynb`);
    await runFromMenu(page, 'run_all_cells');
    const read = await readPage(page);
    // The process the cells ran in: the test checks it is gone once the server stops.
    const kernel = await kernelProcess(page);
    await page.evaluate(() => window.Jupyter.notebook.save_notebook());
    return { ...read, kernelProcess: kernel, progress: progressOf(read.cells), pageErrors, externalRequests };
  } finally {
    await page.close();
  }
}

/** No error output in any cell. */
function assertNoErrors(chapter: string, cells: CellSummary[]): void {
  const errors = cells.flatMap((c, i) =>
    c.outputs
      .filter(
        (o) =>
          o.type === 'error' ||
          (o.type === 'stream' && o.name === 'stderr' && /error|exception|unhandled|warn/i.test(o.text)),
      )
      .map((o) => `cell ${i + 1}: ${o.text.slice(0, 500)}`),
  );
  assert.deepEqual(errors, [], `${chapter}: error output`);
}

function assertRanClean(chapter: string, run: Run): void {
  assert.ok(run.cells.length > 0, `${chapter}: no code cells`);
  assertNoErrors(chapter, run.cells);
  assert.deepEqual(
    run.cells.map((c) => c.prompt),
    run.cells.map((_, i) => i + 1),
    `${chapter}: every code cell ran once, in order`,
  );
  assert.deepEqual(run.kernel, { name: 'tslab', language: 'typescript', implementation: 'tslab' });
  assert.equal(run.kernelProcess.tslab, kernelPlace().binary, `${chapter}: the kernel runs this checkout's tslab`);
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
    // Each figure drawn by plotly.js in place of its PNG.
    assert.equal(run.figures.outputs, TRAINING_FIGURES, JSON.stringify(run.figures));
    assert.equal(run.figures.plots, TRAINING_FIGURES, JSON.stringify(run.figures));
    assert.ok(run.figures.svgs >= TRAINING_FIGURES, JSON.stringify(run.figures));
    assert.equal(run.figures.images, 0, 'no static image left where plotly drew');
    const figureOutputs = run.cells.flatMap((c) => c.outputs).filter((o) => o.mimes.includes('text/html'));
    for (const o of figureOutputs) assert.deepEqual(o.mimes.sort(), ['image/png', 'text/html', 'text/plain']);
    // One progress output per training cell, replaced in place: its last state shows every run finished.
    assert.equal(run.progress.length, TRAINING_CELLS, run.progress.join('\n'));
    for (const text of run.progress) assert.equal(text.match(/epoch 2\/2 {2}loss \d/g)?.length, TRAINING_RUNS, text);
  });

  test(`${TRAINING_CHAPTER} reopened without trust (as an executed copy): static figures, until trusted`, async () => {
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
      assert.deepEqual(seen, { trusted: false, figures: TRAINING_FIGURES, images: TRAINING_FIGURES, plots: 0 });
      // File → Trust Notebook, as README tells a reader: the page reloads and the same outputs draw plots.
      await page.click('#filelink');
      await page.click('#trust_notebook');
      // The classic Notebook's menu opens this dialog twice, one over the other, in either order: the Trust
      // button on top (the one a reader's click reaches) answers.
      const clickTopTrust = () =>
        page.waitForFunction(
          () => {
            const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('.modal.in button.btn-danger'));
            for (const b of buttons.filter((x) => x.textContent?.trim() === 'Trust')) {
              const r = b.getBoundingClientRect();
              if (r.width > 0 && document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === b) {
                b.click();
                return true;
              }
            }
            return false;
          },
          null,
          { timeout: 30_000, polling: 250 },
        );
      await Promise.all([page.waitForEvent('load', { timeout: 120_000 }), clickTopTrust()]);
      await notebookLoaded(page);
      await page.waitForFunction(
        (n) => document.querySelectorAll('.kombat-figure .kombat-plot .plot-container').length === n,
        TRAINING_FIGURES,
        { timeout: 30_000 },
      );
      assert.equal(await page.evaluate(() => window.Jupyter.notebook.trusted), true);
      assert.deepEqual(errors, []);
      assert.deepEqual(external, []);
    } finally {
      await page.close();
    }
  });

  test(`${TRAINING_CHAPTER}: the learning rate edited in the knobs cell, the chapter re-run from there`, async () => {
    const first = runs.get(TRAINING_CHAPTER);
    assert.ok(server && browser && first, `${TRAINING_CHAPTER} did not run`);
    const external: string[] = [];
    const errors: string[] = [];
    const page = await offlinePage(browser, server, external, errors);
    try {
      // Reopened, the chapter is back in its session: the kernel that ran it, with its state.
      await openNotebook(page, server, `${TRAINING_CHAPTER}.ipynb`);
      assert.equal((await kernelProcess(page)).pid, first.kernelProcess.pid, 'the same kernel');
      const knobs = await page.evaluate(() => {
        const nb = window.Jupyter.notebook;
        const index = nb.get_cells().findIndex((c) => /^const LEARNING_RATE = /m.test(c.get_text()));
        const cell = nb.get_cells()[index];
        cell.set_text(cell.get_text().replace(/^const LEARNING_RATE = .*$/m, 'const LEARNING_RATE = 3e-4;'));
        nb.select(index);
        return nb.get_cells().filter((c, i) => i < index && c.cell_type === 'code').length;
      });
      assert.ok(knobs > 0, 'the knobs cell comes after the imports');
      await runFromMenu(page, 'run_all_cells_below');
      const { cells } = await readPage(page);
      assertNoErrors(TRAINING_CHAPTER, cells);
      // The cells above the knobs kept their state and did not run again; the rest ran once more, in order.
      // (The kernel counts every execution, so the new numbers start somewhere after the first run's.)
      const again = Number(cells[knobs].prompt);
      assert.ok(again > first.cells.length, `knobs cell prompt ${again}`);
      assert.deepEqual(
        cells.map((c) => c.prompt),
        [...first.cells.slice(0, knobs).map((c) => c.prompt), ...cells.slice(knobs).map((_, i) => again + i)],
      );
      assert.match(cells[knobs].source, /^const LEARNING_RATE = 3e-4;$/m);
      assert.equal(progressOf(cells).length, TRAINING_CELLS);
      // What the chapter trained and wrote: the corrected set-up at the new rate, the article's unchanged.
      const written = JSON.parse(
        readFileSync(path.join(env.KOMBAT_REPORTS_DIR, 'results', `${TRAINING_CHAPTER}.json`), 'utf8'),
      ) as { runs: { name: string; hyperparams: { learningRate: number } }[] };
      const rates = Object.fromEntries(written.runs.map((r) => [r.name, r.hyperparams.learningRate]));
      assert.equal(rates.corrected, 3e-4, JSON.stringify(rates));
      assert.equal(rates.article, 1e-6, JSON.stringify(rates));
      assert.deepEqual(errors, []);
      assert.deepEqual(external, []);
    } finally {
      await page.close();
    }
  });

  test('stopping the server stops it and the kernels the chapters ran in', async () => {
    assert.ok(server && runs.size === CHAPTERS.length);
    const pids = [...runs.values()].map((r) => r.kernelProcess.pid);
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
