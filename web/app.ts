// The page around a game: backend, model, camera or video file, the inference loop, the HUD and
// the messages. The game itself (canvas or MK.js) only has to define window.Detect.
import * as tf from '@tensorflow/tfjs';
import {
  type GameModel,
  InferenceLoop,
  type LogEntry,
  type LoopPrediction,
  loadGameModel,
  type ModelEntry,
  modelName,
  type PageProbe,
  type PageSetup,
  type RgbFrame,
  TRIED_HOLD,
  urlFolder,
} from '../src/browser';
import { chooseBackend, parseBackend } from './backend';
import { CapturePanel } from './capture';
import type { GameAdapter } from './game';
import { Hud } from './hud';
import { CROPS, type Crop, InputError, VideoInput } from './input';

const LOG_LIMIT = 6000;
/** The frame the first prediction (which compiles the kernels) is made on: a webcam's 16:9. */
const WARM_UP = { width: 640, height: 360 };

class Messages {
  private readonly shown = new Map<string, HTMLElement>();
  constructor(private readonly root: HTMLElement) {}
  set(key: string, text: string, level: 'error' | 'info' = 'error'): void {
    let el = this.shown.get(key);
    if (!el) {
      el = document.createElement('div');
      el.dataset.key = key;
      this.root.append(el);
      this.shown.set(key, el);
    }
    el.className = `message ${level}`;
    el.textContent = text;
  }
  clear(key: string): void {
    this.shown.get(key)?.remove();
    this.shown.delete(key);
  }
  all(): Record<string, string> {
    return Object.fromEntries([...this.shown].map(([k, el]) => [k, el.textContent ?? '']));
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = '') {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text) el.textContent = text;
  return el;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export async function runPage(game: GameAdapter): Promise<void> {
  const params = new URLSearchParams(location.search);
  const gameBox = document.getElementById('game') as HTMLElement;
  const side = document.getElementById('side') as HTMLElement;
  const messages = new Messages(document.getElementById('messages') as HTMLElement);
  const video = element('video', { id: 'input-video', muted: '', playsinline: '' });
  const input = new VideoInput(video);
  const hud = new Hud();

  const cameraButton = element('button', { id: 'use-camera' }, 'Use camera');
  const fileInput = element('input', { id: 'video-file', type: 'file', accept: 'video/*' });
  const fileLabel = element('label', { class: 'file' }, 'Play a video file: ');
  fileLabel.append(fileInput);
  const modelSelect = element('select', { id: 'model' });
  const cropBox = element('input', { id: 'article-crop', type: 'checkbox' });
  const cropLabel = element('label', { title: "the article's browser-only preprocessing: a train/serve skew" });
  cropLabel.append(cropBox, " article's greyscale top crop");
  const holdBox = element('input', { id: 'hold', type: 'checkbox' });
  const holdLabel = element('label', {
    title:
      `act only on ${TRIED_HOLD} predictions in a row: on real frames far fewer moves while you stand, ` +
      'one prediction later, and a strike seen on one frame is missed (README, issue 12)',
  });
  holdLabel.append(holdBox, ` ${TRIED_HOLD} in a row`);
  const controls = element('div', { class: 'controls' });
  controls.append(cameraButton, fileLabel, element('label', {}, 'Model: '), modelSelect, cropLabel, holdLabel);
  // The model trained from the recordings: switched to once useModel exists (below).
  let switchTo: (entry: ModelEntry) => Promise<void> = async () => {};
  const capture = new CapturePanel({
    input,
    say: (key, text, level) => (text === undefined ? messages.clear(key) : messages.set(key, text, level)),
    onModel: (entry) => switchTo(entry),
  });
  side.append(video, controls, hud.root, capture.root);
  (document.getElementById('help') as HTMLElement).textContent = game.help;

  let crop: Crop = params.get('crop') === 'article' ? 'article' : 'full';
  if (params.has('crop') && !CROPS.includes(params.get('crop') as Crop)) {
    messages.set('crop', `crop "${params.get('crop')}" is not one of ${CROPS.join(', ')}; using full`);
  }
  cropBox.checked = crop === 'article';
  cropBox.addEventListener('change', () => {
    crop = cropBox.checked ? 'article' : 'full';
  });

  // The hold issue 12's fourth round tried: off by default (it was not kept), on with ?hold=2 or the box.
  let hold = 1;
  const asked = params.get('hold');
  if (asked === String(TRIED_HOLD)) hold = TRIED_HOLD;
  else if (asked !== null && asked !== '1') messages.set('hold', `hold "${asked}" is not 1 or ${TRIED_HOLD}; using 1`);
  holdBox.checked = hold > 1;
  holdBox.addEventListener('change', () => {
    hold = holdBox.checked ? TRIED_HOLD : 1;
  });

  let model: GameModel | undefined;
  let last: { frame: RgbFrame; probabilities: Record<string, number> } | undefined;
  const started = performance.now();
  const probe: PageProbe = {
    ready: false,
    log: [],
    messages: () => messages.all(),
    stats: () => ({ ...loop.stats }),
    numTensors: () => tf.memory().numTensors,
    lastFrame: () => last && { ...last.frame, rgb: base64(last.frame.rgb), probabilities: last.probabilities },
    playerMove: () => game.playerMove(),
    stopCamera: () => input.stopCamera(),
    trainEvents: () => [...capture.events],
  };
  window.kombatPage = probe;

  // The video clock when the frame in flight was taken, and player 1's move before its action fires
  // (one prediction at a time).
  let grabbedAt = 0;
  let moveBefore = '';
  const loop = new InferenceLoop({
    grab: () => {
      grabbedAt = video.currentTime;
      return input.grab(crop);
    },
    model: () => model,
    hold: () => hold,
    controller: () => {
      moveBefore = game.playerMove();
      return window.Detect;
    },
    onPrediction: (p: LoopPrediction) => {
      last = { frame: p.frame, probabilities: p.probabilities };
      const entry: LogEntry = {
        at: p.at - started,
        videoTime: grabbedAt,
        probabilities: p.probabilities,
        action: p.action,
        fired: p.fired,
        ms: p.ms,
        moveBefore,
        move: game.playerMove(),
      };
      probe.log.push(entry);
      if (probe.log.length > LOG_LIMIT) probe.log.splice(0, probe.log.length - LOG_LIMIT);
      hud.show(p, loop.stats);
      hud.set('tensors', String(tf.memory().numTensors));
    },
    onError: (err) => messages.set('inference', `Prediction failed: ${err.message}`),
  });

  input.onLost = (text) => {
    messages.set('camera', text);
    hud.set('input', 'none (keyboard)');
  };

  async function startCamera(): Promise<void> {
    try {
      await input.useCamera();
      messages.clear('camera');
      messages.clear('video');
      hud.set('input', `camera: ${input.label.split(/[\\/]/).pop()}`);
    } catch (err) {
      messages.set('camera', err instanceof InputError ? err.message : `Camera: ${(err as Error).message}`);
      hud.set('input', 'none (keyboard)');
    }
  }

  cameraButton.addEventListener('click', () => void startCamera());
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    try {
      await input.useFile(file);
      messages.clear('video');
      messages.clear('camera');
      hud.set('input', `video: ${file.name}`);
    } catch (err) {
      messages.set('video', err instanceof InputError ? err.message : `${file.name}: ${(err as Error).message}`);
      hud.set('input', 'none (keyboard)');
    }
  });

  await game.start(gameBox);

  let setup: PageSetup;
  try {
    const response = await fetch('/api/setup');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    setup = (await response.json()) as PageSetup;
  } catch (err) {
    messages.set('setup', `Cannot reach the kombat server (${(err as Error).message}): is \`kombat serve\` running?`);
    probe.ready = true;
    return;
  }

  try {
    const forced = params.get('backend');
    probe.backend = await chooseBackend(setup.wasmPath, forced ? parseBackend(forced) : undefined);
    const b = probe.backend;
    const extras = b.name === 'wasm' ? ` (SIMD ${b.simd ? 'on' : 'off'}, threads ${b.threads ? 'on' : 'off'})` : '';
    hud.set('backend', `${b.name}${extras}`);
    hud.root.title = b.why;
  } catch (err) {
    messages.set('backend', `${(err as Error).message}. The game goes on with the keyboard.`);
    probe.ready = true;
    return;
  }

  async function useModel(name: string): Promise<void> {
    const entry = setup.models.find((m) => m.name === name);
    const old = model;
    model = undefined;
    await loop.idle();
    old?.dispose();
    if (!entry) {
      const known = setup.models.map((m) => m.name).join(', ') || 'none';
      messages.set('model', `There is no model "${name}" on this server (models: ${known}). The keyboard still plays.`);
      hud.set('model', 'none');
      return;
    }
    hud.set('model', `${name} (loading)`);
    try {
      const loaded = await loadGameModel(urlFolder(entry.url), {
        mobilenet: (alpha) => {
          const m = setup.mobilenet[modelName(alpha)];
          return { handler: tf.io.http(m.url), source: { kind: m.kind, location: m.url } };
        },
        movenet: () => ({
          handler: tf.io.http(setup.movenet.url),
          location: `${setup.movenet.url} (${setup.movenet.kind})`,
        }),
      });
      // The first prediction compiles the kernels; do it before the clock starts, on a frame of the
      // camera's usual size.
      await loaded.classify({ rgb: new Uint8Array(WARM_UP.width * WARM_UP.height * 3), ...WARM_UP });
      model = loaded;
      probe.model = name;
      messages.clear('model');
      hud.set('model', `${name} (${loaded.metadata.task})`);
    } catch (err) {
      messages.set('model', `Model "${name}" cannot be used: ${(err as Error).message}. The keyboard still plays.`);
      hud.set('model', 'none');
    }
  }

  for (const m of setup.models) modelSelect.append(element('option', { value: m.name }, m.name));
  const wanted = params.get('model') ?? setup.defaultModel ?? setup.models[0]?.name;
  if (wanted) {
    modelSelect.value = wanted;
    await useModel(wanted);
  } else messages.set('model', 'The server offers no model: train and export one (make all), then reload.');
  modelSelect.addEventListener('change', () => void useModel(modelSelect.value));
  switchTo = async (entry) => {
    setup.models = [...setup.models.filter((m) => m.name !== entry.name), entry];
    modelSelect.append(element('option', { value: entry.name }, entry.name));
    modelSelect.value = entry.name;
    await useModel(entry.name);
  };
  void capture.refresh();

  if (params.get('input') !== 'file') await startCamera();
  else hud.set('input', 'none (pick a video file)');
  loop.start();
  probe.ready = true;
}
