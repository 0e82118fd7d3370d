// The heads-up display beside the game: what the model sees (class probabilities), what it did
// (the action fired), and how fast (predictions per second, ms per frame, ticks in time, backend).
import { type LoopPrediction, type LoopStats, median, shareInTime } from '../src/browser';

const ACTION_TEXT: Record<string, string> = { onPunch: 'PUNCH', onKick: 'KICK', onStand: 'STAND' };
const FIELDS = {
  backend: 'backend',
  model: 'model',
  input: 'input',
  rate: 'predictions/s',
  ms: 'ms per frame',
  inTime: 'ticks in time',
  tensors: 'tensors',
} as const;
type Field = keyof typeof FIELDS;

interface Bar {
  fill: HTMLElement;
  value: HTMLElement;
}

function span(className: string, text = ''): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

export class Hud {
  readonly root = document.createElement('div');
  private readonly fields = {} as Record<Field, HTMLElement>;
  private readonly barBox = document.createElement('div');
  private bars = new Map<string, Bar>();
  private readonly action = document.createElement('div');
  private readonly latencies: number[] = [];

  constructor() {
    this.root.className = 'hud';
    this.barBox.className = 'bars';
    this.action.className = 'action';
    this.action.textContent = '-';
    this.root.append(this.barBox, this.action);
    for (const [key, label] of Object.entries(FIELDS) as [Field, string][]) {
      const row = document.createElement('div');
      row.className = 'row';
      const value = span('value', '-');
      value.dataset.field = key;
      row.append(span('name', label), value);
      this.root.append(row);
      this.fields[key] = value;
    }
  }

  set(field: Field, text: string): void {
    this.fields[field].textContent = text;
  }

  show(p: LoopPrediction, stats: LoopStats): void {
    this.latencies.push(p.ms);
    if (this.latencies.length > 50) this.latencies.shift();
    this.set('rate', stats.rate.toFixed(1));
    this.set('ms', `${p.ms.toFixed(0)} (median ${median(this.latencies).toFixed(0)})`);
    this.set('inTime', `${(100 * shareInTime(stats)).toFixed(0)}% of ${stats.ticks + stats.late}`);
    const names = Object.keys(p.probabilities);
    if (names.join() !== [...this.bars.keys()].join()) this.makeBars(names);
    for (const [name, prob] of Object.entries(p.probabilities)) {
      const bar = this.bars.get(name);
      if (!bar) continue;
      bar.fill.style.width = `${(prob * 100).toFixed(1)}%`;
      bar.value.textContent = prob.toFixed(2);
    }
    if (p.fired) {
      this.action.textContent = ACTION_TEXT[p.fired] ?? p.fired;
      this.action.classList.remove('flash');
      void this.action.offsetWidth; // restart the CSS animation
      this.action.classList.add('flash');
    } else this.action.textContent = p.action === 'none' ? '-' : p.action;
  }

  private makeBars(names: string[]): void {
    this.bars = new Map();
    this.barBox.replaceChildren(
      ...names.map((name) => {
        const row = document.createElement('div');
        row.className = 'bar';
        row.dataset.class = name;
        const track = span('track');
        const bar: Bar = { fill: span('fill'), value: span('p') };
        track.append(bar.fill);
        row.append(span('name', name), track, bar.value);
        this.bars.set(name, bar);
        return row;
      }),
    );
  }
}
