import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { closeNotebookRenderer, notebookFigure } from '../src/notebook/figure';
import {
  barChart,
  confusionHeatmap,
  type Figure,
  heatmap,
  lineChart,
  type PlotlyObject,
  parallelCoordinates,
  scatter,
  trainingCurves,
} from '../src/report/figures';
import {
  FigureRenderer,
  figureHtml,
  findChromium,
  PLOTLY_FILE,
  writeAllFigures,
  writeFigures,
} from '../src/report/render';
import { tempDir } from './helpers';

const classes = ['punch', 'kick', 'other'];
const matrix = [
  [45, 3, 2],
  [4, 40, 6],
  [0, 0, 0],
];
const history = [
  { epoch: 1, loss: 1.0, acc: 0.5, valLoss: 1.1, valAcc: 0.45 },
  { epoch: 2, loss: 0.6, acc: 0.7, valLoss: 0.8, valAcc: 0.6 },
  { epoch: 3, loss: 0.4, acc: 0.85, valLoss: 0.7, valAcc: 0.7 },
];
const annotations = (f: Figure) =>
  f.layout.annotations as { x: string; y: string; text: string; font: { color: string } }[];

const chromium = findChromium();
const needsChromium: false | string = chromium
  ? false
  : 'skipped: no Chromium (CHROMIUM_PATH, /usr/bin/chromium, chromium on PATH); ' +
    "`make setup` installs Debian's chromium";

describe('figure builders', () => {
  test('confusion heatmap: counts written on the cells, true classes down y, predicted along x', () => {
    const f = confusionHeatmap(matrix, classes, { title: 'counts' });
    const z = f.data[0].z as number[][];
    assert.deepEqual(z, matrix);
    const notes = annotations(f);
    assert.equal(notes.length, 9);
    for (const a of notes) assert.equal(a.text, String(matrix[classes.indexOf(a.y)][classes.indexOf(a.x)]));
    assert.equal(
      notes.find((a) => a.x === 'punch' && a.y === 'punch')?.font.color,
      'white',
      'the darkest cell has white text',
    );
    assert.equal(notes.find((a) => a.x === 'kick' && a.y === 'punch')?.font.color, 'black');
    assert.deepEqual(f.data[0].x, classes);
    assert.deepEqual(f.data[0].y, classes);
    const layout = f.layout as { xaxis: PlotlyObject; yaxis: PlotlyObject };
    assert.equal(layout.yaxis.autorange, 'reversed', 'first class at the top');
    assert.deepEqual((layout.xaxis.title as PlotlyObject).text, 'Predicted');
    assert.deepEqual((layout.yaxis.title as PlotlyObject).text, 'True');
    assert.throws(() => confusionHeatmap([[1, 2]], classes, { title: '' }), /3x3/);
  });

  test('normalised confusion: rows sum to 1 (empty rows stay 0), scale fixed to [0, 1]', () => {
    const f = confusionHeatmap(matrix, classes, { title: 'recall', normalised: true });
    const z = f.data[0].z as number[][];
    const sums = z.map((row) => row.reduce((a, b) => a + b, 0));
    assert.ok(Math.abs(sums[0] - 1) < 1e-12 && Math.abs(sums[1] - 1) < 1e-12, `row sums ${sums}`);
    assert.equal(sums[2], 0);
    assert.equal(f.data[0].zmin, 0);
    assert.equal(f.data[0].zmax, 1);
    assert.equal(annotations(f).find((a) => a.x === 'punch' && a.y === 'punch')?.text, '0.90');
  });

  test('training curves: loss and accuracy subplots, validation only when logged', () => {
    const f = trainingCurves(history, 'training');
    assert.deepEqual(
      f.data.map((t) => [t.name, t.yaxis]),
      [
        ['train', 'y'],
        ['validation', 'y'],
        ['train', 'y2'],
        ['validation', 'y2'],
      ],
    );
    assert.deepEqual(f.data[3].y, [0.45, 0.6, 0.7]);
    assert.deepEqual(f.data[0].x, [1, 2, 3]);
    assert.equal(f.data.filter((t) => t.showlegend).length, 2, 'one legend entry each for train and validation');
    const noVal = trainingCurves(
      history.map(({ epoch, loss, acc }) => ({ epoch, loss, acc })),
      'no validation',
    );
    assert.equal(noVal.data.length, 2);
    assert.equal(trainingCurves(history.slice(0, 1), 'one epoch').data[0].mode, 'markers');
  });

  test('bar, line, scatter, heatmap and parallel coordinates shapes', () => {
    const bars = barChart(
      ['a', 'b'],
      [
        { name: 'val', values: [0.9, 0.8] },
        { name: 'test', values: [0.85, 0.7] },
      ],
      { title: 't', yTitle: 'accuracy' },
    );
    assert.equal(bars.data.length, 2);
    assert.equal(bars.layout.barmode, 'group');
    assert.throws(() => barChart(['a', 'b'], [{ name: 'x', values: [1] }], { title: '' }), /1 values for 2 labels/);

    const line = lineChart(
      [0.1, 0.5, 0.9],
      [
        { name: 'precision', y: [0.5, 0.7, 0.9] },
        { name: 'recall', y: [0.9, 0.6, 0.2], dash: 'dash' },
      ],
      { title: 't', xTitle: 'threshold' },
    );
    assert.deepEqual(
      line.data.map((t) => (t.line as PlotlyObject).dash),
      ['solid', 'dash'],
    );
    assert.throws(() => lineChart([1, 2], [{ name: 'p', y: [1] }], { title: '' }), /1 values for 2 x values/);

    const pts = scatter(
      [
        { x: 10, y: 0.8, label: 'conv_pw_13', group: 'a' },
        { x: 20, y: 0.9, group: 'b' },
        { x: 5, y: 0.7, group: 'a' },
      ],
      { title: 't', xLog: true },
    );
    assert.deepEqual(
      pts.data.map((t) => t.x),
      [[10, 5], [20]],
    );
    assert.equal((pts.layout.xaxis as PlotlyObject).type, 'log');

    const hm = heatmap(
      [1e-4, 1e-3],
      [50, 100, 200],
      [
        [0.8, 0.85],
        [0.82, 0.9],
        [0.81, NaN],
      ],
      { title: 't', xTitle: 'lr', yTitle: 'units', zTitle: 'acc' },
    );
    assert.deepEqual(hm.data[0].x, ['0.0001', '0.001']);
    assert.deepEqual(hm.data[0].y, ['50', '100', '200']);
    assert.equal((hm.layout.yaxis as PlotlyObject).type, 'category');
    assert.equal(hm.data[0].zmin, 0.8);
    assert.equal(hm.data[0].zmax, 0.9);
    assert.deepEqual(
      annotations(hm).map((a) => a.text),
      ['0.800', '0.850', '0.820', '0.900', '0.810', ''],
    );
    assert.throws(
      () => heatmap(['a'], ['b'], [[1, 2]], { title: '', xTitle: '', yTitle: '', zTitle: '' }),
      /1 rows of 1 values/,
    );

    const rows = [
      { lr: 0.001, opt: 'sgd', acc: 0.8 },
      { lr: 0.01, opt: 'adam', acc: 0.9 },
      { lr: 0.001, opt: 'adam', acc: 0.85 },
    ];
    const pc = parallelCoordinates(rows, ['lr', 'opt', 'acc'], 'acc');
    const dims = pc.data[0].dimensions as PlotlyObject[];
    assert.deepEqual(dims[0].values, [0.001, 0.01, 0.001]);
    assert.deepEqual(dims[1], { label: 'opt', values: [1, 0, 0], tickvals: [0, 1], ticktext: ['adam', 'sgd'] });
    assert.deepEqual((pc.data[0].line as PlotlyObject).color, [0.8, 0.9, 0.85]);
    assert.throws(() => parallelCoordinates(rows, ['lr', 'units'], 'acc'), /lack units/);
  });

  test('interactive HTML loads the shared plotly.min.js and embeds the data safely', () => {
    const f = confusionHeatmap(matrix, ['</script><b>', 'kick', 'other'], { title: 'A & B' });
    const html = figureHtml(f);
    assert.match(html, /<script src="plotly\.min\.js"><\/script>/);
    assert.match(html, /Plotly\.newPlot\('plot'/);
    assert.match(html, /<title>A &amp; B<\/title>/);
    assert.ok(html.includes('[[45,3,2],[4,40,6],[0,0,0]]'), 'the matrix is in the page');
    assert.ok(!html.includes('</script><b>'), 'labels cannot close the script element');
    assert.ok(!/cdn|https?:\/\//i.test(html), 'nothing from the network');
    assert.match(figureHtml(f, { plotlySrc: 'figures/plotly.min.js' }), /src="figures\/plotly\.min\.js"/);
  });
});

test('a Chromium that cannot start gives an error naming it and the fix', async () => {
  await assert.rejects(FigureRenderer.launch('/nonexistent/chromium'), (err: Error) => {
    assert.match(err.message, /\/nonexistent\/chromium/);
    assert.match(err.message, /make setup/);
    return true;
  });
});

describe('rendering in headless Chromium', { skip: needsChromium }, () => {
  let renderer: FigureRenderer;
  before(async () => {
    renderer = await FigureRenderer.launch();
  });
  after(async () => {
    await renderer?.close();
  });

  test('every builder makes a spec plotly accepts without complaint', async () => {
    const figures = [
      confusionHeatmap(matrix, classes, { title: 'c' }),
      confusionHeatmap(matrix, classes, { title: 'n', normalised: true }),
      trainingCurves(history, 'h'),
      trainingCurves(history.slice(0, 1), 'h1'),
      barChart(['a'], [{ name: 's', values: [1] }], { title: 'b', yRange: [0, 1] }),
      lineChart([1, 2], [{ name: 's', y: [1, 2] }], { title: 'l' }),
      parallelCoordinates(
        [
          { a: 1, b: 'x' },
          { a: 2, b: 'y' },
        ],
        ['a', 'b'],
        'a',
        'p',
      ),
      heatmap(['a'], ['b'], [[1]], { title: 'h', xTitle: 'x', yTitle: 'y', zTitle: 'z' }),
      scatter([{ x: 1, y: 2, label: 'p' }], { title: 's' }),
    ];
    for (const f of figures) assert.deepEqual(await renderer.validate(f), [], JSON.stringify(f.layout.title));
  });

  test('a confusion heatmap renders to PNG and HTML of the expected size, not blank', async () => {
    const dir = tempDir();
    const out = await writeFigures(dir, 'confusion', confusionHeatmap(matrix, classes, { title: 'Confusion' }), {
      renderer,
    });
    assert.equal(out.png, path.join(dir, 'confusion.png'));
    const { data, info } = await sharp(readFileSync(out.png)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [1800, 1200]);
    assert.deepEqual([...data.subarray(0, 3)], [255, 255, 255], 'white background');
    let dark = 0;
    for (let i = 0; i < data.length; i += 3) if (data[i] + data[i + 1] + data[i + 2] < 600) dark++;
    assert.ok(dark > 0.05 * info.width * info.height, `only ${dark} non-white pixels`);
    const html = readFileSync(out.html, 'utf8');
    assert.match(html, /src="plotly\.min\.js"/);
    assert.ok(html.includes('"x":["punch","kick","other"]'));
    assert.ok(existsSync(path.join(dir, PLOTLY_FILE)), 'plotly.min.js copied next to the page');
  });

  test('size and scale options', async () => {
    const png = await renderer.render(barChart(['a', 'b'], [{ name: 's', values: [1, 2] }], { title: 'b' }), {
      width: 400,
      height: 300,
      scale: 1,
    });
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.width, meta.height], [400, 300]);
  });

  test('many figures in one session; notebook helper returns the PNG bytes and the HTML path', async () => {
    const dir = tempDir();
    const files = await writeAllFigures(dir, {
      training: trainingCurves(history, 't'),
      sweep: lineChart([0, 1], [{ name: 'p', y: [0, 1] }], { title: 's' }),
    });
    assert.deepEqual(Object.keys(files), ['training', 'sweep']);
    for (const f of Object.values(files)) assert.ok(existsSync(f.png) && existsSync(f.html));
    await assert.rejects(writeAllFigures(dir, { '../escape': trainingCurves(history, 't') }), /figure name/);

    const nb = await notebookFigure('nb', confusionHeatmap(matrix, classes, { title: 'nb' }), {
      dir,
      size: { width: 300, height: 200, scale: 1 },
    });
    await closeNotebookRenderer();
    assert.equal(nb.html, path.join(dir, 'nb.html'));
    assert.deepEqual(nb.bytes, readFileSync(nb.png));
    assert.deepEqual([...nb.bytes.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  });
});
