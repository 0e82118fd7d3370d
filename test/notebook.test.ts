// Notebook outputs without a browser: what the kernel is sent (the browser test, notebook-ui.test.ts,
// checks what the page makes of it). The kernel's display channel is stood in for by a module at the
// path tslab 1.0 keeps it in, as a running kernel would have it loaded.
import * as assert from 'node:assert/strict';
import Module from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { displayBundle, inNotebook, LiveOutput } from '../src/notebook/display';
import { figureBundle, NOTEBOOK_PLOTLY_MODULE } from '../src/notebook/figure';
import { CellProgress, formatSeconds, textBar, withProgress } from '../src/notebook/progress';
import { notebookArgs, startNotebookServer } from '../src/notebook/server';
import { trainingCurves } from '../src/report/figures';
import { tempDir } from './helpers';

interface Sent {
  content: { data: Record<string, string>; transient: { display_id?: string } };
  update: boolean;
}

const fakeKernelId = path.join(path.sep, 'kernel', 'node_modules', 'tslab', 'dist', 'jupyter.js');
const sent: Sent[] = [];

function loadFakeKernel(): void {
  const mod = new Module(fakeKernelId);
  mod.id = fakeKernelId;
  mod.loaded = true;
  mod.exports = {
    lastWriteDisplayData: (content: Sent['content'], update: boolean) => sent.push({ content, update }),
  };
  require.cache[fakeKernelId] = mod;
}

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const history = [
  { epoch: 1, loss: 1, acc: 0.5, valLoss: 1.1, valAcc: 0.4 },
  { epoch: 2, loss: 0.5, acc: 0.8, valLoss: 0.7, valAcc: 0.7 },
];

describe('outside a kernel', () => {
  test('nothing is shown and nothing fails', () => {
    assert.equal(inNotebook(), false);
    assert.equal(displayBundle({ 'text/plain': 'x' }), false);
    assert.equal(new LiveOutput().show({ 'text/plain': 'x' }), false);
  });
});

describe('in a kernel', () => {
  before(loadFakeKernel);
  after(() => {
    delete require.cache[fakeKernelId];
  });

  test('one output carries every MIME type of the bundle', () => {
    sent.length = 0;
    assert.equal(inNotebook(), true);
    assert.equal(displayBundle({ 'text/plain': 'a', 'text/html': '<b>a</b>' }), true);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0].content.data, { 'text/plain': 'a', 'text/html': '<b>a</b>' });
    assert.equal(sent[0].update, false);
  });

  test('a live output is displayed once, then updated in place under the same display id', () => {
    sent.length = 0;
    const out = new LiveOutput();
    out.show({ 'text/plain': '1' });
    out.show({ 'text/plain': '2' });
    assert.deepEqual(
      sent.map((s) => s.update),
      [false, true],
    );
    const ids = sent.map((s) => s.content.transient.display_id);
    assert.ok(ids[0] && ids[0] === ids[1], `display ids ${ids}`);
    const other = new LiveOutput();
    other.show({ 'text/plain': '3' });
    assert.notEqual(sent[2].content.transient.display_id, ids[0]);
  });

  test('progress: steps on one output, throttled, final state with times', async () => {
    sent.length = 0;
    let now = 0;
    const progress = new CellProgress(() => now);
    const features = progress.counter('features', 'images');
    features(10, 100); // first call: shown at once
    now = 100;
    features(20, 100); // within the interval: deferred
    assert.equal(sent.length, 1);
    now = 2000;
    features(50, 100);
    assert.equal(sent.length, 2);
    assert.match(sent[1].content.data['text/plain'], /^features {2}█{12}░{12} 50\/100 images {2}2 s, ~2 s left$/);
    now = 3000;
    features(100, 100); // a finished step is shown at once
    assert.equal(sent.length, 3);
    const epochs = progress.epochs('training', 40);
    now = 4000;
    epochs({ epoch: 3, loss: 0.51234, acc: 0.8, valLoss: 0.6, valAcc: 0.75, seconds: 1 });
    now = 9000;
    progress.done();
    const text = sent[sent.length - 1].content.data['text/plain'];
    assert.deepEqual(text.split('\n'), [
      `features  ${'█'.repeat(24)} 100/100 images  3 s`,
      // its clock started when the step before it finished
      `training  ${textBar(3, 40)} epoch 3/40  loss 0.5123 acc 0.800 | val loss 0.6000 acc 0.750  6 s`,
    ]);
    assert.ok(
      sent.slice(1).every((s) => s.update && s.content.transient.display_id === sent[0].content.transient.display_id),
      'every later message replaces the first output',
    );
  });

  test("progress: epoch 1 restarts a step's clock (the next trial of a sweep under the same label)", () => {
    sent.length = 0;
    let now = 0;
    const progress = new CellProgress(() => now);
    now = 10_000;
    progress.epoch('trial', 4, { epoch: 1, loss: 1, acc: 0.5, seconds: 2 });
    now = 20_000;
    progress.epoch('trial', 4, { epoch: 4, loss: 1, acc: 0.5, seconds: 2 });
    now = 21_000;
    progress.epoch('trial', 4, { epoch: 1, loss: 1, acc: 0.5, seconds: 0.5 });
    progress.done();
    assert.match(sent[sent.length - 1].content.data['text/plain'], /epoch 1\/4 {2}loss 1\.0000 acc 0\.500 {2}1 s$/);
  });

  test('withProgress shows the final state also when the work fails, nothing when nothing was reported', async () => {
    sent.length = 0;
    await assert.rejects(
      withProgress(async (p) => {
        p.note('phase', 'loading');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.ok(sent.length >= 1);
    assert.match(sent[sent.length - 1].content.data['text/plain'], /^phase {2}loading$/);
    sent.length = 0;
    assert.equal(await withProgress(async () => 7), 7);
    assert.equal(sent.length, 0);
  });
});

describe('formatting', () => {
  test('seconds and bars', () => {
    assert.equal(formatSeconds(0.4), '0 s');
    assert.equal(formatSeconds(59.4), '59 s');
    assert.equal(formatSeconds(185), '3 min 05 s');
    assert.equal(textBar(0, 10, 4), '░░░░');
    assert.equal(textBar(5, 10, 4), '██░░');
    assert.equal(textBar(12, 10, 4), '████');
    assert.equal(textBar(1, 0, 4), '░░░░');
  });
});

describe('figure output', () => {
  const figure = trainingCurves(history, 'Loss <and> "accuracy"');
  const bundle = figureBundle(figure, png, { file: '/somewhere/curves.png' });

  test('HTML, PNG and text in one bundle; the PNG inside the HTML for viewers that strip scripts', () => {
    assert.deepEqual(Object.keys(bundle).sort(), ['image/png', 'text/html', 'text/plain']);
    assert.equal(bundle['image/png'], png.toString('base64'));
    assert.ok(bundle['text/html'].includes(`<img src="data:image/png;base64,${png.toString('base64')}"`));
    assert.ok(bundle['text/html'].includes('alt="Loss &lt;and> &quot;accuracy&quot;"'), 'title escaped');
    assert.equal(bundle['text/plain'], 'Figure: Loss <and> "accuracy" (/somewhere/curves.png)');
  });

  test('the script loads plotly.js through require.js from the server, never from a CDN', () => {
    const html = bundle['text/html'];
    assert.ok(html.includes(`window.require(['${NOTEBOOK_PLOTLY_MODULE}']`));
    assert.doesNotMatch(html, /https?:\/\//);
    const json = /var figure = (.*);\n/.exec(html)?.[1];
    assert.ok(json, 'figure JSON in the script');
    assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(figure)));
    assert.ok(!json.includes('<'), '"<" escaped inside <script>');
  });

  test('the server serves that module from node_modules', () => {
    const args = notebookArgs('notebooks', 9999);
    const extra = args.find((a) => a.startsWith('--NotebookApp.extra_nbextensions_path='))?.split('=')[1];
    assert.ok(extra);
    assert.equal(
      require.resolve('plotly.js-dist-min/plotly.min.js'),
      path.join(extra, `${NOTEBOOK_PLOTLY_MODULE.split('/')[1]}.js`),
    );
    assert.ok(args.includes('--ip=127.0.0.1') && args.includes('--port=9999') && args.includes('--port-retries=0'));
  });
});

describe('notebook server start-up errors', () => {
  test('no jupyter-notebook on PATH: says how to install it', async () => {
    await assert.rejects(
      startNotebookServer({ dir: tempDir(), port: 0, env: { PATH: tempDir() }, output: 'collect' }),
      /jupyter-notebook is not installed: `make setup` installs it/,
    );
  });

  test('a port already taken is named, not silently replaced', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      await assert.rejects(
        startNotebookServer({ dir: tempDir(), port }),
        new RegExp(`port ${port} on 127.0.0.1 is in use`),
      );
    } finally {
      taken.close();
    }
  });
});
