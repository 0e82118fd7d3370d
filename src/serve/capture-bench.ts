// The one-minute goal, measured: frames of one person go through the real capture endpoint (as the
// page sends them: JPEGs 320 px wide, in recordings of BURST frames), then the real training route
// runs, and the clock runs from "train" to the model the page switches to. Optionally the model is
// scored on another person (or another room) of the same folder: what the quick set-up costs.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { indexDataset } from '../data/entries';
import type { Task } from '../data/tasks';
import { evaluateFolder, type FolderEvaluation } from '../eval/folder';
import { loadClassifier } from '../export/classifier';
import type { FolderPreset } from '../train/presets';
import type { TrainEvent } from './api';
import { startServer } from './server';

/** Frames per recording: a 2 s burst at the page's 10 frames per second. */
export const BURST = 20;
/** The page's recorded frame width (web/capture.ts CAPTURE_WIDTH). */
const PAGE_WIDTH = 320;

export interface CaptureBenchOptions {
  /** A dataset folder (class folders, <person>_... names). */
  data: string;
  /** The person whose frames are captured. */
  person: string;
  preset: FolderPreset;
  /** Score the model on this person's frames of the same folder. */
  testPerson?: string;
  log?: (line: string) => void;
}

export interface CaptureBenchResult {
  person: string;
  preset: FolderPreset;
  frames: number;
  recordings: number;
  task: Task;
  /** Uploading every frame through POST /api/capture/frame. */
  uploadSeconds: number;
  /** POST /api/train to the done event (the model written and offered to the page). */
  trainSeconds: number;
  /**
   * How long each stage took, in order: `start` (reading the folder, before the first stage), then
   * each stage until the next began, the last until the model was offered to the page.
   */
  stageSeconds: Record<string, number>;
  /** The 1-minute load average before the upload and after the training: read the times with it. */
  load: { before: number; after: number };
  crossValidated?: { accuracy: number; balancedAccuracy: number };
  test?: { person: string; frames: number; accuracy: number; balancedAccuracy: number; folded?: string };
}

/**
 * Each stage's duration from the times the stages began (seconds from the start, in order) and the
 * total: a stage lasts until the next begins, the last until the end. Rounded to 0.01 s; the server
 * reports starts to 0.1 s on its own clock, so a start a few hundredths past the end counts as 0.
 */
export function stageDurations(starts: readonly [string, number][], total: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [i, [stage, at]] of starts.entries()) {
    const end = i + 1 < starts.length ? starts[i + 1][1] : total;
    out[stage] = Number(Math.max(0, end - at).toFixed(2));
  }
  return out;
}

/** The server-sent events of one training, until done or error. */
async function follow(url: string, onEvent: (e: TrainEvent) => void): Promise<TrainEvent> {
  const response = await fetch(url);
  if (!response.body) throw new Error(`${url}: no event stream`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      if (!line.startsWith('data: ')) continue;
      const event = JSON.parse(line.slice(6)) as TrainEvent;
      onEvent(event);
      if (event.type === 'done' || event.type === 'error') return event;
    }
  }
  throw new Error('the event stream ended before the training did');
}

export async function benchCaptureToModel(options: CaptureBenchOptions): Promise<CaptureBenchResult> {
  const log = options.log ?? (() => {});
  const loadBefore = os.loadavg()[0];
  const index = await indexDataset(options.data, { task: 'binary' });
  const mine = index.entries.filter((e) => e.subject === options.person);
  if (mine.length === 0) throw new Error(`${options.data}: no frames of ${options.person}`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kombat-capture-bench-'));
  const pageDir = path.join(dir, 'page');
  await fs.mkdir(pageDir);
  const server = await startServer({
    pageDir,
    port: 0,
    modelsDir: path.join(dir, 'no-models'),
    captureDir: path.join(dir, 'captured'),
    trainedDir: path.join(dir, 'trained'),
    // Fresh caches: new frames never have cached variants or features, so neither may the benchmark's.
    training: { cacheDir: path.join(dir, 'cache') },
  });
  try {
    // As recorded in the page: each class's frames in order, cut into bursts, encoded as the page
    // encodes them (its canvas does that, so the clock does not run for it), then sent one after another.
    const uploads: { label: string; recording: string; file: string; bytes: Buffer }[] = [];
    let recordings = 0;
    for (const label of [...new Set(mine.map((e) => e.label))].sort()) {
      const frames = mine.filter((e) => e.label === label).sort((a, b) => (a.file < b.file ? -1 : 1));
      for (let i = 0; i < frames.length; i += BURST) {
        const recording = `b${++recordings}`;
        for (const f of frames.slice(i, i + BURST)) {
          const bytes = await sharp(path.join(options.data, f.file))
            .resize({ width: PAGE_WIDTH })
            .jpeg({ quality: 90 })
            .toBuffer();
          uploads.push({ label, recording, file: f.file, bytes });
        }
      }
    }
    const t0 = performance.now();
    for (const u of uploads) {
      const q = `label=${u.label}&person=${options.person}&recording=${u.recording}`;
      const r = await fetch(`${server.url}api/capture/frame?${q}`, {
        method: 'POST',
        headers: { 'Content-Type': 'image/jpeg' },
        body: u.bytes,
      });
      if (r.status !== 201) throw new Error(`${u.file}: HTTP ${r.status} ${await r.text()}`);
    }
    const uploadSeconds = (performance.now() - t0) / 1000;
    log(
      `captured ${mine.length} frames of ${options.person} in ${recordings} recordings (${uploadSeconds.toFixed(1)} s)`,
    );

    const t1 = performance.now();
    const start = await fetch(`${server.url}api/train`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ preset: options.preset }),
    });
    if (start.status !== 202) throw new Error(`POST /api/train: HTTP ${start.status} ${await start.text()}`);
    const starts: [string, number][] = [['start', 0]];
    const end = await follow(`${server.url}api/train/events`, (e) => {
      if (e.type === 'stage') {
        starts.push([e.stage, e.seconds]);
        log(`${e.stage} at ${e.seconds} s`);
      } else if (e.type === 'log') log(e.line);
    });
    const trainSeconds = (performance.now() - t1) / 1000;
    const stageSeconds = stageDurations(starts, trainSeconds);
    if (end.type !== 'done') throw new Error(`the training failed: ${end.type === 'error' ? end.message : end.type}`);
    const modelDir = path.join(dir, 'trained', end.model.name);
    const meta = JSON.parse(await fs.readFile(path.join(modelDir, 'metadata.json'), 'utf8'));
    const result: CaptureBenchResult = {
      person: options.person,
      preset: options.preset,
      frames: mine.length,
      recordings,
      task: meta.task,
      uploadSeconds,
      trainSeconds,
      stageSeconds,
      load: { before: loadBefore, after: os.loadavg()[0] },
      ...(end.accuracy !== undefined
        ? { crossValidated: { accuracy: end.accuracy, balancedAccuracy: end.balancedAccuracy ?? 0 } }
        : {}),
    };
    if (options.testPerson) {
      // The other person's frames alone, as a folder the evaluation reads.
      const test = path.join(dir, 'test');
      const theirs = index.entries.filter((e) => e.subject === options.testPerson);
      if (theirs.length === 0) throw new Error(`${options.data}: no frames of ${options.testPerson}`);
      for (const e of theirs) {
        await fs.mkdir(path.join(test, path.dirname(e.file)), { recursive: true });
        await fs.copyFile(path.join(options.data, e.file), path.join(test, e.file));
      }
      const classifier = await loadClassifier(modelDir);
      const score: FolderEvaluation = await evaluateFolder(classifier, test);
      classifier.head.dispose();
      result.test = {
        person: options.testPerson,
        frames: theirs.length,
        accuracy: score.metrics.accuracy,
        balancedAccuracy: score.metrics.balancedAccuracy,
        ...(score.folded ? { folded: score.folded } : {}),
      };
    }
    return result;
  } finally {
    await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
