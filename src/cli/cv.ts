// How a cross-validation reads on the terminal, for `kombat train` and `kombat evaluate --cv`:
// one line per held-out person (or recording), then the pooled score and what it chose.
import type { CrossValidation } from '../train';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);

export function cvLines(cv: CrossValidation): string[] {
  const who = cv.unit === 'person' ? 'person' : 'recording';
  const classes = cv.metrics.classes;
  const width = Math.max(who.length, ...cv.perGroup.map((g) => g.group.length)) + 2;
  const header =
    who.padEnd(width) +
    'frames'.padStart(7) +
    'accuracy'.padStart(10) +
    'balanced'.padStart(10) +
    classes.map((c) => `${c} recall`.padStart(Math.max(10, c.length + 8))).join('');
  const row = (name: string, frames: number, m: CrossValidation['perGroup'][number]['metrics']) =>
    name.padEnd(width) +
    String(frames).padStart(7) +
    pct(m.accuracy).padStart(10) +
    pct(m.balancedAccuracy).padStart(10) +
    classes
      .map((c) => {
        const p = m.perClass[c];
        return (p.support > 0 ? pct(p.recall) : '-').padStart(Math.max(10, c.length + 8));
      })
      .join('');
  const frames = cv.perGroup.reduce((s, g) => s + g.frames, 0);
  const chosen = Object.entries(cv.rule.thresholds)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  return [
    `cross-validated over ${cv.perGroup.length} ${who === 'person' ? 'people' : 'recordings'} in ` +
      `${cv.folds.length} folds (each held out once, never in two folds):`,
    header,
    ...cv.perGroup.map((g) => row(g.group, g.frames, g.metrics)),
    row('all', frames, cv.metrics),
    ...(cv.note ? [`note: ${cv.note}`] : []),
    `epochs chosen: ${cv.epochs} (lowest held-out loss ${cv.heldOutLoss[cv.epochs - 1].toFixed(4)})`,
    `thresholds chosen on the held-out frames: ${chosen}` +
      (cv.thresholdsConstrained ? '' : ' (no point had precision >= recall: best F1 taken)') +
      `; game actions there: accuracy ${pct(cv.actions.accuracy).trim()}, ` +
      `balanced ${pct(cv.actions.balancedAccuracy).trim()}`,
  ];
}
