// Figures of a sweep, built with the shared plotly builders: every trial across the swept
// parameters (parallel coordinates), and the best validation accuracy per (learning rate, hidden
// units) cell (heatmap; blank cells were not sampled).
import { type Figure, heatmap, type PlotlyObject, parallelCoordinates, type Row } from '../report/figures';
import { formatRate } from './space';
import type { SweepResult, SweepRow } from './sweep';

/** One line per trial: log10 learning rate, hidden units, dropout, batch, best epoch, validation loss, accuracy. */
export function sweepParallel(
  result: SweepResult,
  title = `Sweep (${result.task}): ${result.rows.length} trials`,
): Figure {
  const rows: Row[] = result.rows.map((r) => ({
    'log10 lr': Math.log10(r.learningRate),
    hidden: r.hidden,
    dropout: r.dropout,
    batch: r.batchSize,
    'best epoch': r.bestEpoch,
    'val loss': r.valLoss,
    'val accuracy': r.valAccuracy,
  }));
  return parallelCoordinates(
    rows,
    ['log10 lr', 'hidden', 'dropout', 'batch', 'best epoch', 'val loss', 'val accuracy'],
    'val accuracy',
    title,
  );
}

/** z[i][j] = best `metric` over the trials at (learning rate j, hidden units i); NaN where none ran. */
export function bestByCell(
  result: SweepResult,
  metric: 'valAccuracy' | 'valBalancedAccuracy' | 'valLoss' = 'valAccuracy',
) {
  const rates = [...result.space.learningRate].sort((a, b) => a - b);
  const hidden = [...result.space.hidden].sort((a, b) => a - b);
  const better = (a: number, b: number) => (metric === 'valLoss' ? a < b : a > b);
  const z = hidden.map((h) =>
    rates.map((lr) => {
      const cell = result.rows.filter((r: SweepRow) => r.hidden === h && r.learningRate === lr).map((r) => r[metric]);
      return cell.reduce((best, v) => (Number.isNaN(best) || better(v, best) ? v : best), NaN);
    }),
  );
  return { x: rates.map(formatRate), y: hidden.map(String), z };
}

export function sweepHeatmap(
  result: SweepResult,
  metric: 'valAccuracy' | 'valBalancedAccuracy' = 'valAccuracy',
): Figure {
  const { x, y, z } = bestByCell(result, metric);
  const what = metric === 'valAccuracy' ? 'validation accuracy' : 'validation balanced accuracy';
  const figure = heatmap(x, y, z, {
    title: `Best ${what} per learning rate and hidden units (${result.task})`,
    xTitle: 'learning rate',
    yTitle: 'hidden units',
    zTitle: what,
  });
  // plotly reads an annotation's number-like category ('16', '1e-3') as a category index, which puts
  // the cell labels in the wrong place; index positions are unambiguous.
  const annotations = (figure.layout.annotations as PlotlyObject[] | undefined) ?? [];
  figure.layout.annotations = annotations.map((a) => ({ ...a, x: x.indexOf(String(a.x)), y: y.indexOf(String(a.y)) }));
  return figure;
}
