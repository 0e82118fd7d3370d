// Record yourself, train, play: the page's capture panel. Frames of the camera go to the server
// (POST /api/capture/frame), which stores them in data/captured/ as a dataset; "Train on my
// recordings" asks the server to train on them with the library's training (what `kombat train`
// runs), shows its progress as it streams in, and hands the new model to the page.
import { CAPTURED_PREFIX, type CaptureListing, type ModelEntry, TRAIN_PRESETS, type TrainEvent } from '../src/browser';
import type { VideoInput } from './input';

/** Frames per second of a recording: the inference loop's 100 ms tick, so a burst matches what the game sees. */
export const CAPTURE_FPS = 10;
/** Recorded frames are at most this wide: MobileNet sees 224 px, and small uploads keep the page responsive. */
export const CAPTURE_WIDTH = 320;
const COUNTDOWN_SECONDS = 3;
/** Key held to record (not one of the game's keys: a, d, arrows, Enter). */
export const RECORD_KEY = 'r';
const THUMBNAILS_PER_CLASS = 12;

export interface CaptureOptions {
  input: VideoInput;
  /** Shows a message (key: topic), or clears it (text undefined). */
  say: (key: string, text?: string, level?: 'error' | 'info') => void;
  /** The page switches to the model trained from the recordings. */
  onModel: (entry: ModelEntry) => Promise<void>;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = '') {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

async function errorOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  return body.error ?? body.message ?? `HTTP ${response.status}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class CapturePanel {
  readonly root = el('section', { id: 'capture' });
  /** Every training event of this page, for tests and a look in the console. */
  readonly events: TrainEvent[] = [];
  private readonly label = el('select', { id: 'capture-class' });
  private readonly person = el('input', { id: 'capture-person', placeholder: 'your name', maxlength: '32' });
  private readonly frames = el('input', { id: 'capture-frames', type: 'number', min: '1', max: '300', value: '30' });
  private readonly burst = el('button', { id: 'capture-burst' }, 'Record burst');
  private readonly status = el('div', { id: 'capture-status', class: 'capture-status' });
  private readonly counts = el('div', { id: 'capture-counts' });
  private readonly thumbs = el('div', { id: 'capture-thumbs' });
  private readonly preset = el('select', { id: 'train-preset' });
  private readonly train = el('button', { id: 'train-mine' }, 'Train on my recordings');
  private readonly progress = el('div', { id: 'train-progress', class: 'capture-status' });
  private recording = false;
  private uploads: Promise<void> = Promise.resolve();

  constructor(private readonly options: CaptureOptions) {
    for (const c of ['punch', 'kick', 'other']) this.label.append(el('option', { value: c }, c));
    for (const p of TRAIN_PRESETS) this.preset.append(el('option', { value: p }, p));
    this.person.value = localStorage.getItem('kombat-person') ?? '';
    const row = (...children: HTMLElement[]) => {
      const div = el('div', { class: 'controls' });
      div.append(...children);
      return div;
    };
    this.root.append(
      el('h2', {}, 'Record yourself'),
      row(el('label', {}, 'Class '), this.label, this.person),
      row(el('label', {}, 'Frames '), this.frames, this.burst),
      el('div', { class: 'hint' }, `or hold "${RECORD_KEY.toUpperCase()}" to record while the key is down`),
      this.status,
      this.counts,
      this.thumbs,
      row(this.train, el('label', {}, ' set-up '), this.preset),
      this.progress,
    );
    this.burst.addEventListener('click', () => void this.recordBurst());
    this.train.addEventListener('click', () => void this.startTraining());
    window.addEventListener('keydown', (e) => {
      if (e.key.toLowerCase() !== RECORD_KEY || e.repeat || this.recording) return;
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      const held = { down: true };
      const up = (u: KeyboardEvent) => {
        if (u.key.toLowerCase() !== RECORD_KEY) return;
        held.down = false;
        window.removeEventListener('keyup', up);
      };
      window.addEventListener('keyup', up);
      void this.record(() => held.down);
    });
  }

  /** Reads the listing from the server and shows counts and thumbnails. */
  async refresh(): Promise<CaptureListing | undefined> {
    const response = await fetch('/api/capture');
    if (!response.ok) {
      this.options.say('capture', `Cannot list the recordings: ${await errorOf(response)}`);
      return undefined;
    }
    const listing = (await response.json()) as CaptureListing;
    this.counts.textContent = listing.classes.map((c) => `${c} ${listing.counts[c]}`).join(' · ');
    this.thumbs.replaceChildren();
    for (const c of listing.classes) {
      const strip = el('div', { class: 'thumb-row', 'data-class': c });
      strip.append(el('span', { class: 'thumb-label' }, c));
      for (const f of listing.frames.filter((x) => x.label === c).slice(-THUMBNAILS_PER_CLASS)) {
        const img = el('img', {
          src: `${CAPTURED_PREFIX}${f.file}`,
          title: `${f.file}: click to delete`,
          'data-file': f.file,
          class: 'thumb',
        });
        img.addEventListener('click', () => void this.remove(`file=${encodeURIComponent(f.file)}`));
        strip.append(img);
      }
      const last = listing.frames.filter((x) => x.label === c).at(-1);
      if (last) {
        const undo = el('button', { class: 'delete-recording', 'data-class': c }, 'delete last recording');
        undo.addEventListener('click', () => void this.remove(`person=${last.person}&recording=${last.recording}`));
        strip.append(undo);
      }
      this.thumbs.append(strip);
    }
    return listing;
  }

  private async remove(query: string): Promise<void> {
    const response = await fetch(`/api/capture/frame?${query}`, { method: 'DELETE' });
    if (!response.ok) this.options.say('capture', `Cannot delete: ${await errorOf(response)}`);
    await this.refresh();
  }

  private checkPerson(): string | undefined {
    const name = this.person.value.trim();
    if (!/^[A-Za-z0-9]{1,32}$/.test(name)) {
      this.options.say('capture', 'Type your name first: 1 to 32 letters or digits (it goes into the file names).');
      return undefined;
    }
    localStorage.setItem('kombat-person', name);
    return name;
  }

  /** A countdown, then the number of frames asked for at CAPTURE_FPS. */
  async recordBurst(): Promise<void> {
    if (this.recording || !this.checkPerson()) return;
    const n = Math.max(1, Math.min(300, Math.round(Number(this.frames.value) || 30)));
    this.recording = true;
    for (let s = COUNTDOWN_SECONDS; s > 0; s--) {
      this.status.textContent = `${this.label.value} in ${s}...`;
      await sleep(1000);
    }
    this.recording = false;
    let taken = 0;
    await this.record(() => taken++ < n);
  }

  /** Records frames at CAPTURE_FPS while `more()` says so, as one recording. */
  async record(more: () => boolean): Promise<void> {
    const person = this.checkPerson();
    if (!person || this.recording) return;
    if (this.options.input.kind === 'none') {
      this.options.say('capture', 'No camera or video to record from: press "Use camera" first.');
      return;
    }
    this.options.say('capture');
    this.recording = true;
    const label = this.label.value;
    const recording = `r${Date.now().toString(36)}`;
    let sent = 0;
    let failed = '';
    this.root.classList.add('recording');
    try {
      for (let next = performance.now(); more(); next += 1000 / CAPTURE_FPS) {
        await sleep(Math.max(0, next - performance.now()));
        const blob = await this.options.input.snapshot(CAPTURE_WIDTH);
        if (!blob) continue;
        this.status.textContent = `recording ${label}: ${++sent} frames`;
        // Uploads go one after another, behind the camera: the recording keeps its pace.
        this.uploads = this.uploads.then(async () => {
          const q = `label=${label}&person=${person}&recording=${recording}`;
          const response = await fetch(`/api/capture/frame?${q}`, {
            method: 'POST',
            headers: { 'Content-Type': 'image/jpeg' },
            body: blob,
          });
          if (!response.ok) failed = await errorOf(response);
        });
      }
      await this.uploads;
    } finally {
      this.recording = false;
      this.root.classList.remove('recording');
    }
    this.status.textContent = `recorded ${sent} ${label} frames`;
    if (failed) this.options.say('capture', `Some frames were refused: ${failed}`);
    await this.refresh();
  }

  /** Asks the server to train, and follows its progress until the new model is in use. */
  async startTraining(): Promise<void> {
    this.options.say('train');
    const response = await fetch('/api/train', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ preset: this.preset.value }),
    });
    if (!response.ok) {
      this.options.say('train', `Cannot train: ${await errorOf(response)}`);
      return;
    }
    this.train.disabled = true;
    const source = new EventSource('/api/train/events');
    const finished = new Promise<void>((resolve) => {
      source.onmessage = (m) => {
        const event = JSON.parse(m.data as string) as TrainEvent;
        this.events.push(event);
        this.show(event);
        if (event.type === 'done' || event.type === 'error') {
          source.close();
          resolve();
          if (event.type === 'done') void this.options.onModel(event.model);
          else this.options.say('train', `Training failed: ${event.message}`);
        }
      };
    });
    await finished;
    this.train.disabled = false;
  }

  private show(e: TrainEvent): void {
    const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
    switch (e.type) {
      case 'stage':
        this.progress.textContent = `${e.stage} (${e.seconds.toFixed(0)} s)`;
        break;
      case 'progress':
        this.progress.textContent = `${e.stage}: ${e.done}/${e.total}`;
        break;
      case 'fold':
        this.progress.textContent = `cross-validation ${e.fold}/${e.folds}: holding out ${e.heldOut.join(', ')}`;
        break;
      case 'epoch':
        this.progress.textContent =
          `${e.fold ? `fold ${e.fold}` : 'final'} epoch ${e.epoch}/${e.epochs}: loss ${e.loss.toFixed(3)}, ` +
          `accuracy ${pct(e.acc)}` +
          (e.heldOutAcc !== undefined ? `, held out ${pct(e.heldOutAcc)}` : '');
        break;
      case 'done':
        this.progress.textContent =
          `${e.model.name}: ${e.frames} frames in ${e.seconds.toFixed(0)} s` +
          (e.accuracy !== undefined ? `, cross-validated accuracy ${pct(e.accuracy)}` : '');
        break;
      case 'error':
        this.progress.textContent = 'training failed';
        break;
      case 'log':
        break;
    }
  }
}
