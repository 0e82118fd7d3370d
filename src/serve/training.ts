// "Train on my recordings": the page asks, the server trains on data/captured/ with the library's
// trainFolder (what `kombat train` runs), streams the progress as server-sent events, writes the
// model into the models folder (an exported model folder whose metadata says which recordings,
// when, and how it scored) and offers it to the page at once. One training at a time.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { CaptureError, type CaptureStore } from '../data/capture';
import type { Task } from '../data/tasks';
import { FOLDER_PRESETS, type FolderOptions, type FolderPreset, parsePreset, trainFolder } from '../train';
import type { TrainEvent, TrainStatus } from './api';
import { sendError } from './capture';
import { ISOLATION_HEADERS } from './headers';
import { describeModels, type ModelFolderEntry } from './setup';

/** Where the page reads a model trained in this session. */
export const TRAINED_PREFIX = '/trained/';

/** The task the captured frames allow: 3-way with all three classes, punch / not punch without kicks. */
export function captureTask(counts: Record<string, number>): Task {
  if (counts.punch > 0 && counts.kick > 0 && counts.other > 0) return 'ternary';
  if (counts.punch > 0 && counts.kick + counts.other > 0) return 'binary';
  throw new CaptureError(
    'record some punch frames and some kick or other frames first (the model needs at least two classes)',
    409,
  );
}

/** Folder name of a model trained at `when`: captured-YYYYMMDD-HHMMSS (UTC). */
export function trainedModelName(when: Date): string {
  return `captured-${when.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
}

export interface TrainingOptions {
  store: CaptureStore;
  /** Where trained models are written (the settings' models folder). */
  modelsDir: string;
  /** Called with each trained model, so the server offers it. */
  onModel: (entry: ModelFolderEntry) => void;
  /** Settings on top of the preset's (tests train with tiny ones). */
  overrides?: TrainingOverrides;
}

/** What a server may set on top of a preset. */
export type TrainingOverrides = Pick<FolderOptions, 'config' | 'epochs' | 'variants' | 'features' | 'cacheDir'>;

class TrainingJob {
  running = false;
  preset: FolderPreset | undefined;
  events: TrainEvent[] = [];
  private listeners = new Set<(e: TrainEvent) => void>();

  emit(event: TrainEvent): void {
    this.events.push(event);
    for (const l of this.listeners) l(event);
  }

  listen(listener: (e: TrainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

async function run(job: TrainingJob, options: TrainingOptions, preset: FolderPreset): Promise<void> {
  const t0 = performance.now();
  const seconds = () => Number(((performance.now() - t0) / 1000).toFixed(1));
  try {
    const task = captureTask(await options.store.counts());
    const name = trainedModelName(new Date());
    const out = path.join(options.modelsDir, name);
    let stage = 'start';
    const result = await trainFolder({
      ...options.overrides,
      data: options.store.root,
      task,
      preset,
      out,
      name,
      log: (line) => job.emit({ type: 'log', line }),
      onStage: (s) => {
        stage = s;
        job.emit({ type: 'stage', stage: s, seconds: seconds() });
      },
      onAugment: (p) => job.emit({ type: 'progress', stage, done: p.done, total: p.total }),
      onFeatures: (done, total) => job.emit({ type: 'progress', stage, done, total }),
      onFold: (fold, folds, heldOut) => job.emit({ type: 'fold', fold, folds, heldOut }),
      onEpoch: (log, at) =>
        job.emit({
          type: 'epoch',
          fold: at.fold,
          epoch: log.epoch,
          epochs: at.epochs,
          loss: log.loss,
          acc: log.acc,
          heldOutLoss: log.valLoss,
          heldOutAcc: log.valAcc,
        }),
    });
    if (!result.modelDir) throw new Error('the training stopped before its first epoch');
    const [entry] = await describeModels([result.modelDir]);
    const served: ModelFolderEntry = { ...entry, url: `${TRAINED_PREFIX}${encodeURIComponent(entry.name)}` };
    options.onModel(served);
    const { dir: _dir, ...model } = served;
    const cv = result.cv?.metrics;
    job.emit({
      type: 'done',
      model,
      seconds: seconds(),
      frames: result.prepared.index.entries.length,
      ...(cv ? { accuracy: cv.accuracy, balancedAccuracy: cv.balancedAccuracy } : {}),
    });
  } catch (err) {
    job.emit({ type: 'error', message: (err as Error).message });
  } finally {
    job.running = false;
  }
}

export const trainingRoutes =
  (options: TrainingOptions): FastifyPluginAsync =>
  async (app) => {
    const job = new TrainingJob();
    const trained = new Map<string, string>();
    const offer = options.onModel;
    const opts: TrainingOptions = {
      ...options,
      onModel: (entry) => {
        trained.set(entry.name, entry.dir);
        offer(entry);
      },
    };

    app.post('/api/train', async (request, reply) => {
      try {
        const body = (request.body ?? {}) as { preset?: unknown };
        const preset = parsePreset(typeof body.preset === 'string' ? body.preset : 'quick');
        if (job.running) throw new CaptureError('a training is running; wait for it to finish', 409);
        captureTask(await options.store.counts());
        job.running = true;
        job.preset = preset;
        job.events = [];
        void run(job, opts, preset);
        return reply.code(202).send({ started: true, preset });
      } catch (err) {
        if (err instanceof Error && /unknown preset/.test(err.message))
          return reply.code(400).send({ error: `${err.message}; send {"preset": "${FOLDER_PRESETS[0]}"}` });
        return sendError(reply, err);
      }
    });

    app.get(
      '/api/train',
      async (): Promise<TrainStatus> => ({
        running: job.running,
        ...(job.preset ? { preset: job.preset } : {}),
        events: job.events,
      }),
    );

    // Server-sent events: every event of the current training so far, then each new one until it ends.
    app.get('/api/train/events', (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
        ...ISOLATION_HEADERS,
      });
      const send = (e: TrainEvent) => res.write(`data: ${JSON.stringify(e)}\n\n`);
      for (const e of job.events) send(e);
      const stop = job.listen(send);
      request.raw.on('close', stop);
    });

    app.get(`${TRAINED_PREFIX}:name/:file`, async (request, reply) => {
      const { name, file } = request.params as { name: string; file: string };
      const dir = trained.get(name);
      // Only the files of the model folder itself, by plain name.
      if (!dir || !/^[\w.-]+$/.test(file) || file.startsWith('.'))
        return reply.code(404).send({ error: 'no such file' });
      const bytes = await fs.readFile(path.join(dir, file)).catch(() => undefined);
      if (!bytes) return reply.code(404).send({ error: 'no such file' });
      return reply.type(file.endsWith('.json') ? 'application/json' : 'application/octet-stream').send(bytes);
    });
  };
