// What the server tells the page at GET /api/setup: which models it offers and where MobileNet and
// MoveNet are.
// Types only, shared by the server, the page and the code that drives the page in Chromium.
import type { Task } from '../data/tasks';
import type { LoopStats } from '../game/loop';

export interface ModelEntry {
  name: string;
  /** Folder URL of the exported model (model.json, weights, metadata.json). */
  url: string;
  task?: Task;
  /** Why the folder cannot be used (no metadata.json, bad JSON, ...), found when listing. */
  problem?: string;
}

export interface MobileNetEntry {
  /** 'cache': the server's download cache; 'explicit': MOBILENET_URL (MOVENET_URL); 'official': Google's URL. */
  kind: 'explicit' | 'cache' | 'official';
  /** URL of model.json. */
  url: string;
}

/** Where the page loads MoveNet from, for models whose features use keypoints (same kinds as MobileNet's). */
export type MoveNetEntry = MobileNetEntry;

export interface PageSetup {
  models: ModelEntry[];
  defaultModel?: string;
  /** By MobileNet folder name (mobilenet_v1_0.75_224, ...). */
  mobilenet: Record<string, MobileNetEntry>;
  movenet: MoveNetEntry;
  /** URL prefix of the tfjs wasm binaries. */
  wasmPath: string;
  /** True when `kombat serve --mkjs` serves a copy of MK.js at /mk.html. */
  mkjs: boolean;
}

/** The page's TensorFlow.js backends (Node's are settings.ts's BACKENDS). */
export const PAGE_BACKENDS = ['wasm', 'webgl', 'cpu'] as const;
export type PageBackend = (typeof PAGE_BACKENDS)[number];

export interface BackendChoice {
  name: PageBackend;
  why: string;
  /** The WebGL renderer string, when WebGL exists. */
  renderer?: string;
  simd?: boolean;
  threads?: boolean;
}

/** One prediction of the page, as the tests and the HUD see it. */
export interface LogEntry {
  /** ms since the page started, at capture. */
  at: number;
  /** The input video's clock at capture (seconds). */
  videoTime: number;
  probabilities: Record<string, number>;
  action: string;
  fired?: string;
  /** Capture to verdict. */
  ms: number;
  /** Player 1's move just before the action was fired, and right after. */
  moveBefore: string;
  move: string;
}

/** What the page exposes as window.kombatPage, for tests and for a look in the browser console. */
export interface PageProbe {
  /** Set once the page has tried backend, model and input (each may have failed with a message). */
  ready: boolean;
  backend?: BackendChoice;
  model?: string;
  log: LogEntry[];
  /** Messages shown on the page, by topic (camera, video, model, ...). */
  messages(): Record<string, string>;
  stats(): LoopStats;
  numTensors(): number;
  /** The last frame the model saw (RGB, base64) and its probabilities. */
  lastFrame(): { width: number; height: number; rgb: string; probabilities: Record<string, number> } | undefined;
  /** Player 1's current move (e.g. "punch"; MK.js: "high-punch"). */
  playerMove(): string;
  /** Ends the camera's track, as unplugging it would. */
  stopCamera(): void;
  /** Every event of the trainings this page asked for (capture panel). */
  trainEvents(): TrainEvent[];
}

declare global {
  interface Window {
    kombatPage: PageProbe;
  }
}

/** GET /api/capture: what data/captured/ holds. */
export interface CaptureListing {
  classes: string[];
  counts: Record<string, number>;
  /** Oldest first; thumbnails at CAPTURED_PREFIX + file. */
  frames: { file: string; label: string; person: string; recording: string; frame: number }[];
  /** Largest image POST /api/capture/frame accepts, in bytes. */
  maxBytes: number;
}

/** Where the page reads captured frames (thumbnails). */
export const CAPTURED_PREFIX = '/captured/';

/** How the page's "train on my recordings" trains: the quick set-up (the one-minute goal) or the full one. */
export const TRAIN_PRESETS = ['quick', 'full'] as const;
export type TrainPreset = (typeof TRAIN_PRESETS)[number];

/** What POST /api/train starts, and what each message of GET /api/train/events says. */
export type TrainEvent =
  | { type: 'stage'; stage: string; seconds: number }
  | { type: 'progress'; stage: string; done: number; total: number }
  | { type: 'fold'; fold: number; folds: number; heldOut: string[] }
  | {
      type: 'epoch';
      /** Undefined in the final training. */
      fold?: number;
      epoch: number;
      epochs: number;
      loss: number;
      acc: number;
      heldOutLoss?: number;
      heldOutAcc?: number;
    }
  | { type: 'log'; line: string }
  | {
      type: 'done';
      model: ModelEntry;
      seconds: number;
      frames: number;
      /** Cross-validated accuracy (over people, or recordings of one person). */
      accuracy?: number;
      balancedAccuracy?: number;
    }
  | { type: 'error'; message: string };

/** GET /api/train: the current or last training. */
export interface TrainStatus {
  running: boolean;
  preset?: TrainPreset;
  events: TrainEvent[];
}
