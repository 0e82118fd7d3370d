// Plotly figure specs for the results page and the notebooks: plain JSON `{ data, layout }` that
// render.ts turns into interactive HTML and static PNG. Builders only; no browser here.
import { normaliseRows } from '../eval/metrics';

/** One plotly trace or layout: plain JSON, as plotly.js takes it. */
export type PlotlyObject = Record<string, unknown>;

export interface Figure {
  data: PlotlyObject[];
  layout: PlotlyObject;
}

/** Light to dark (ColorBrewer Blues): plotly.js's own 'Blues' runs dark to grey. */
const BLUES: [number, string][] = [
  [0, '#f7fbff'],
  [0.125, '#deebf7'],
  [0.25, '#c6dbef'],
  [0.375, '#9ecae1'],
  [0.5, '#6baed6'],
  [0.625, '#4292c6'],
  [0.75, '#2171b5'],
  [0.875, '#08519c'],
  [1, '#08306b'],
];
/** Train / validation (and first / second series) colours: plotly's default blue and orange. */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** `cartesian`: false for figures without x/y axes (parcoords), where plot_bgcolor does not apply. */
function baseLayout(title: string, extra: PlotlyObject = {}, cartesian = true): PlotlyObject {
  return {
    title: { text: title, x: 0.5, xanchor: 'center' },
    font: { family: 'DejaVu Sans, Liberation Sans, Arial, sans-serif', size: 14 },
    paper_bgcolor: 'white',
    ...(cartesian ? { plot_bgcolor: 'white' } : {}),
    margin: { l: 80, r: 40, t: 70, b: 70 },
    ...extra,
  };
}

/** Heatmap axes pass showgrid: false (plotly then rejects a grid colour). */
const axis = (title: string, extra: PlotlyObject = {}): PlotlyObject => ({
  title: { text: title },
  ...(extra.showgrid === false ? {} : { showgrid: true, gridcolor: '#e5e5e5' }),
  zeroline: false,
  linecolor: '#444',
  showline: true,
  automargin: true,
  ...extra,
});

/**
 * A heatmap on category axes with each cell's value written on it, dark text on light cells and
 * white on dark. Annotations are placed by label; plotly reads a number-like label ('16', '1e-3')
 * there as a category index, so callers with such labels re-place them by index (sweep/figures.ts).
 */
function annotatedHeatmap(
  x: string[],
  y: string[],
  z: number[][],
  text: string[][],
  zmin: number,
  zmax: number,
  zTitle: string,
): { trace: PlotlyObject; annotations: PlotlyObject[] } {
  if (z.length !== y.length || z.some((row) => row.length !== x.length)) {
    throw new Error(`heatmap: z must be ${y.length} rows of ${x.length} values`);
  }
  const span = zmax - zmin || 1;
  const annotations = z.flatMap((row, i) =>
    row.map((v, j) => ({
      x: x[j],
      y: y[i],
      text: text[i][j],
      showarrow: false,
      font: { color: (v - zmin) / span > 0.5 ? 'white' : 'black', size: 14 },
    })),
  );
  const trace = {
    type: 'heatmap',
    x,
    y,
    z,
    zmin,
    zmax,
    colorscale: BLUES,
    colorbar: { title: { text: zTitle } },
    hovertemplate: '%{y} / %{x}: %{z}<extra></extra>',
  };
  return { trace, annotations };
}

export interface ConfusionOptions {
  title: string;
  /** Rows divided by their sums (recall per true class) instead of counts. */
  normalised?: boolean;
}

/**
 * Confusion matrix (rows true classes, columns predicted, as eval/metrics): true on y, top to bottom in class
 * order; predicted on x.
 */
export function confusionHeatmap(matrix: number[][], classes: string[], opts: ConfusionOptions): Figure {
  if (matrix.length !== classes.length || matrix.some((r) => r.length !== classes.length)) {
    throw new Error(
      `confusionHeatmap: matrix must be ${classes.length}x${classes.length} for classes ${classes.join(', ')}`,
    );
  }
  const z = opts.normalised ? normaliseRows(matrix) : matrix;
  const text = z.map((row) => row.map((v) => (opts.normalised ? v.toFixed(2) : String(v))));
  const zmax = opts.normalised ? 1 : Math.max(1, ...matrix.flat());
  const { trace, annotations } = annotatedHeatmap(
    classes,
    classes,
    z,
    text,
    0,
    zmax,
    opts.normalised ? 'share of true' : 'count',
  );
  return {
    data: [trace],
    layout: baseLayout(opts.title, {
      annotations,
      xaxis: axis('Predicted', { type: 'category', showgrid: false, constrain: 'domain' }),
      yaxis: axis('True', { type: 'category', autorange: 'reversed', showgrid: false, scaleanchor: 'x' }),
    }),
  };
}

export interface HistoryPoint {
  epoch: number;
  loss: number;
  acc: number;
  valLoss?: number;
  valAcc?: number;
}

/** Loss (left) and accuracy (right) per epoch, training solid and validation dashed. */
export function trainingCurves(history: readonly HistoryPoint[], title: string): Figure {
  const line = (
    name: string,
    key: keyof HistoryPoint,
    subplot: '' | '2',
    validation: boolean,
  ): PlotlyObject | undefined => {
    const pts = history.filter((h) => h[key] !== undefined);
    if (pts.length === 0) return undefined;
    const color = validation ? COLOURS[1] : COLOURS[0];
    return {
      type: 'scatter',
      name,
      x: pts.map((h) => h.epoch),
      y: pts.map((h) => h[key]),
      xaxis: `x${subplot}`,
      yaxis: `y${subplot}`,
      legendgroup: name,
      showlegend: subplot === '',
      // One epoch draws no line: show the point.
      ...(pts.length > 1
        ? { mode: 'lines', line: { color, dash: validation ? 'dash' : 'solid', width: 2 } }
        : { mode: 'markers', marker: { color, size: 9 } }),
    };
  };
  const data = [
    line('train', 'loss', '', false),
    line('validation', 'valLoss', '', true),
    line('train', 'acc', '2', false),
    line('validation', 'valAcc', '2', true),
  ].filter((t): t is PlotlyObject => t !== undefined);
  const subtitle = (text: string, x: number) => ({
    text,
    x,
    y: 1,
    xref: 'paper',
    yref: 'paper',
    xanchor: 'center',
    yanchor: 'bottom',
    showarrow: false,
    font: { size: 15 },
  });
  return {
    data,
    layout: baseLayout(title, {
      xaxis: axis('epoch', { domain: [0, 0.44], anchor: 'y' }),
      yaxis: axis('loss', { rangemode: 'tozero', anchor: 'x' }),
      xaxis2: axis('epoch', { domain: [0.56, 1], anchor: 'y2' }),
      yaxis2: axis('accuracy', { range: [0, 1.02], anchor: 'x2' }),
      annotations: [subtitle('Loss', 0.22), subtitle('Accuracy', 0.78)],
      legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -0.18 },
      margin: { l: 70, r: 30, t: 90, b: 100 },
    }),
  };
}

export interface Series {
  name: string;
  values: number[];
}

export interface ChartTitles {
  title: string;
  xTitle?: string;
  yTitle?: string;
  /** Fixed y range, e.g. [0, 1] for accuracies. */
  yRange?: [number, number];
}

/** Grouped bars, one group per label and one bar per series, each bar labelled with its value. */
export function barChart(labels: string[], series: Series[], opts: ChartTitles & { valueFormat?: string }): Figure {
  for (const s of series) {
    if (s.values.length !== labels.length)
      throw new Error(`barChart: series ${s.name} has ${s.values.length} values for ${labels.length} labels`);
  }
  return {
    data: series.map((s, i) => ({
      type: 'bar',
      name: s.name,
      x: labels,
      y: s.values,
      marker: { color: COLOURS[i % COLOURS.length] },
      texttemplate: `%{y:${opts.valueFormat ?? '.3f'}}`,
      textposition: 'outside',
      cliponaxis: false,
    })),
    layout: baseLayout(opts.title, {
      barmode: 'group',
      showlegend: series.length > 1,
      xaxis: axis(opts.xTitle ?? '', { type: 'category', showgrid: false }),
      yaxis: axis(opts.yTitle ?? '', opts.yRange ? { range: opts.yRange } : { rangemode: 'tozero' }),
    }),
  };
}

export interface LineSeries {
  name: string;
  y: number[];
  dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
}

/** Lines over a shared x, e.g. precision and recall against a decision threshold. */
export function lineChart(x: number[], series: LineSeries[], opts: ChartTitles): Figure {
  for (const s of series) {
    if (s.y.length !== x.length)
      throw new Error(`lineChart: series ${s.name} has ${s.y.length} values for ${x.length} x values`);
  }
  return {
    data: series.map((s, i) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: s.name,
      x,
      y: s.y,
      line: { color: COLOURS[i % COLOURS.length], dash: s.dash ?? 'solid', width: 2 },
      marker: { size: 6 },
    })),
    layout: baseLayout(opts.title, {
      xaxis: axis(opts.xTitle ?? ''),
      yaxis: axis(opts.yTitle ?? '', opts.yRange ? { range: opts.yRange } : {}),
    }),
  };
}

export type Row = Record<string, number | string>;

/**
 * One line per row (e.g. a hyper-parameter run) across the given columns, coloured by `colourBy`
 * (numeric). Text columns (optimiser names...) become ordered categories.
 */
export function parallelCoordinates(rows: readonly Row[], dimensions: string[], colourBy: string, title = ''): Figure {
  const column = (key: string) => {
    const values = rows.map((r) => r[key]);
    if (values.some((v) => v === undefined)) throw new Error(`parallelCoordinates: some rows lack ${key}`);
    if (values.every((v) => typeof v === 'number')) return { label: key, values };
    const categories = [...new Set(values.map(String))].sort();
    return {
      label: key,
      values: values.map((v) => categories.indexOf(String(v))),
      tickvals: categories.map((_, i) => i),
      ticktext: categories,
    };
  };
  const colour = column(colourBy);
  return {
    data: [
      {
        type: 'parcoords',
        dimensions: dimensions.map(column),
        line: {
          color: colour.values,
          colorscale: 'Viridis',
          showscale: true,
          colorbar: { title: { text: colourBy }, x: 1.08 },
        },
      },
    ],
    layout: baseLayout(title, { margin: { l: 80, r: 150, t: 110, b: 40 } }, false),
  };
}

export interface HeatmapTitles {
  title: string;
  xTitle: string;
  yTitle: string;
  zTitle: string;
  /** Digits after the point in the cell labels (default 3). */
  digits?: number;
}

/**
 * z[i][j] at (x[j], y[i]), e.g. validation accuracy over learning rate x units; axes are categories (see
 * annotatedHeatmap for number-like labels).
 */
export function heatmap(x: (string | number)[], y: (string | number)[], z: number[][], titles: HeatmapTitles): Figure {
  const finite = z.flat().filter(Number.isFinite);
  const zmin = finite.length ? Math.min(...finite) : 0;
  const top = finite.length ? Math.max(...finite) : 1;
  const zmax = top > zmin ? top : zmin + 1; // plotly rejects zmin >= zmax (one cell, a flat sweep)
  const text = z.map((row) => row.map((v) => (Number.isFinite(v) ? v.toFixed(titles.digits ?? 3) : '')));
  const { trace, annotations } = annotatedHeatmap(x.map(String), y.map(String), z, text, zmin, zmax, titles.zTitle);
  return {
    data: [trace],
    layout: baseLayout(titles.title, {
      annotations,
      xaxis: axis(titles.xTitle, { type: 'category', showgrid: false }),
      yaxis: axis(titles.yTitle, { type: 'category', showgrid: false }),
    }),
  };
}

export interface ScatterPoint {
  x: number;
  y: number;
  /** Written next to the point. */
  label?: string;
  /** One legend entry and colour per group. */
  group?: string;
}

/** Labelled points, e.g. accuracy against ms/image for each MobileNet layer. */
export function scatter(points: readonly ScatterPoint[], opts: ChartTitles & { xLog?: boolean }): Figure {
  const groups = [...new Set(points.map((p) => p.group ?? ''))];
  return {
    data: groups.map((g, i) => {
      const pts = points.filter((p) => (p.group ?? '') === g);
      return {
        type: 'scatter',
        mode: 'markers+text',
        name: g,
        x: pts.map((p) => p.x),
        y: pts.map((p) => p.y),
        text: pts.map((p) => p.label ?? ''),
        textposition: 'top center',
        marker: { size: 11, color: COLOURS[i % COLOURS.length] },
      };
    }),
    layout: baseLayout(opts.title, {
      showlegend: groups.length > 1,
      xaxis: axis(opts.xTitle ?? '', opts.xLog ? { type: 'log' } : {}),
      yaxis: axis(opts.yTitle ?? '', opts.yRange ? { range: opts.yRange } : {}),
    }),
  };
}

export interface TimelineSpan {
  start: number;
  end: number;
  /** One legend entry and colour per kind, e.g. punch, kick. */
  kind: string;
}

export interface TimelineMarks {
  /** A row of marks above the lines, e.g. the actions fired at one set of thresholds. */
  name: string;
  marks: { time: number; kind: string }[];
}

export interface TimelineInput {
  title: string;
  /** Seconds of each value in `series`. */
  times: number[];
  series: LineSeries[];
  /** Shaded time ranges behind the lines (the true strikes). */
  spans: TimelineSpan[];
  /** Rows of marks drawn above the lines (the actions fired). */
  rows: TimelineMarks[];
  /** Horizontal dashed lines (the thresholds). */
  levels?: { name: string; value: number }[];
}

const KIND_COLOURS: Record<string, string> = { punch: COLOURS[1], kick: COLOURS[2], other: COLOURS[0] };
const kindColour = (kind: string, i: number) => KIND_COLOURS[kind] ?? COLOURS[(i + 3) % COLOURS.length];

/**
 * Values over time (probabilities per frame) on [0, 1], shaded spans behind them and rows of marks
 * above them, each row labelled on the y axis: what a model saw and did during one clip.
 */
export function timelineChart(input: TimelineInput): Figure {
  const { times, series, spans, rows } = input;
  for (const s of series) {
    if (s.y.length !== times.length)
      throw new Error(`timelineChart: series ${s.name} has ${s.y.length} values for ${times.length} times`);
  }
  const kinds = [...new Set([...spans.map((s) => s.kind), ...rows.flatMap((r) => r.marks.map((m) => m.kind))])];
  // Each kind's spans as one filled trace (null breaks the outline between spans), so it has a legend entry.
  const spanTraces = kinds.flatMap((kind, i) => {
    const mine = spans.filter((s) => s.kind === kind);
    if (mine.length === 0) return [];
    return [
      {
        type: 'scatter',
        mode: 'none',
        name: `true ${kind}`,
        x: mine.flatMap((s) => [s.start, s.start, s.end, s.end, null]),
        y: mine.flatMap(() => [0, 1, 1, 0, null]),
        fill: 'toself',
        fillcolor: `${kindColour(kind, i)}33`,
        hoverinfo: 'skip',
      },
    ];
  });
  const lines = series.map((s) => ({
    type: 'scatter',
    mode: 'lines',
    name: s.name,
    x: times,
    y: s.y,
    line: { color: kindColour(s.name, kinds.length), width: 2, dash: s.dash ?? 'solid' },
  }));
  const levels = (input.levels ?? []).map((l, i) => ({
    type: 'scatter',
    mode: 'lines',
    name: `${l.name} ${l.value}`,
    x: [times[0] ?? 0, times[times.length - 1] ?? 1],
    y: [l.value, l.value],
    line: { color: ['#555', '#999'][i % 2], width: 1, dash: 'dash' },
    hoverinfo: 'skip',
  }));
  const rowY = rows.map((_, i) => 1.1 + 0.1 * i);
  const marks = rows.flatMap((row, r) =>
    kinds.flatMap((kind, i) => {
      const mine = row.marks.filter((m) => m.kind === kind);
      if (mine.length === 0) return [];
      return [
        {
          type: 'scatter',
          mode: 'markers',
          name: `${kind} fired`,
          legendgroup: `${kind} fired`,
          showlegend: !rows.slice(0, r).some((earlier) => earlier.marks.some((m) => m.kind === kind)),
          x: mine.map((m) => m.time),
          y: mine.map(() => rowY[r]),
          marker: { color: kindColour(kind, i), size: 9, symbol: kind === 'kick' ? 'square' : 'triangle-up' },
          hovertemplate: `${row.name}: ${kind} at %{x:.1f} s<extra></extra>`,
        },
      ];
    }),
  );
  const ticks = [0, 0.5, 1];
  return {
    data: [...spanTraces, ...lines, ...levels, ...marks],
    layout: baseLayout(input.title, {
      xaxis: axis('time (s)'),
      yaxis: axis('probability', {
        range: [0, (rowY.at(-1) ?? 1) + 0.08],
        tickvals: [...ticks, ...rowY],
        ticktext: [...ticks.map(String), ...rows.map((r) => r.name)],
      }),
      legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -0.2 },
      margin: { l: 150, r: 30, t: 70, b: 110 },
    }),
  };
}
