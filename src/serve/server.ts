// `kombat serve`: the game page, the exported models, the MobileNet and MoveNet caches and the tfjs wasm binaries
// over HTTP on 127.0.0.1 only. Every response carries the cross-origin-isolation headers that
// wasm threads need (SharedArrayBuffer). Each group of routes is a Fastify plugin: the page, the
// models, the page's recordings (capture.ts) and training on them (training.ts).
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { CaptureStore } from '../data/capture';
import { settings } from '../settings';
import { exists } from '../util/fs';
import type { PageSetup } from './api';
import { MKJS_PREFIX } from './build';
import { captureRoutes } from './capture';
import { ISOLATION_HEADERS } from './headers';
import {
  describeModels,
  EXPLICIT_MOBILENET_PREFIX,
  EXPLICIT_MOVENET_PREFIX,
  findModelFolders,
  MOBILENET_PREFIX,
  MODELS_PREFIX,
  MOVENET_PREFIX,
  type ModelFolderEntry,
  mobilenetSources,
  movenetSources,
} from './setup';
import { type TrainingOverrides, trainingRoutes } from './training';

export const HOST = '127.0.0.1';
export const WASM_PREFIX = '/tfjs-wasm/';
const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));

export { ISOLATION_HEADERS };

export interface ServerOptions {
  /** The built page (buildPage's folder). */
  pageDir: string;
  /** Folder whose model sub-folders are offered; default the settings' models folder. */
  modelsDir?: string;
  /** More model folders, offered first. */
  models?: string[];
  /** Name of the model the page starts with; default kombat-ternary when offered, else the first. */
  defaultModel?: string;
  /** Default: the settings' MobileNet cache. */
  mobilenetCacheDir?: string;
  /** Default: the settings' (MOBILENET_URL). */
  mobilenetUrl?: string;
  /** Default: the settings' MoveNet cache. */
  movenetCacheDir?: string;
  /** Default: the settings' (MOVENET_URL). */
  movenetUrl?: string;
  /** A user's MK.js mk/ folder (checked by buildPage). */
  mkjs?: string;
  /** Where the page's recordings go (default <data folder>/captured). */
  captureDir?: string;
  /** Where models trained from the page go (default the models folder). */
  trainedDir?: string;
  /** Settings of the page's trainings on top of their preset (tests: tiny ones). */
  training?: TrainingOverrides;
  /** Fastify's request log (off by default). */
  logger?: boolean;
}

/** Everything the routes share. */
export interface ServerContext {
  options: ServerOptions;
  models: ModelFolderEntry[];
  setup: PageSetup;
}

const staticFiles =
  (root: string, prefix: string): FastifyPluginAsync =>
  async (app) => {
    await app.register(fastifyStatic, { root, prefix, decorateReply: false, index: false, cacheControl: false });
  };

export const pageRoutes =
  (ctx: ServerContext): FastifyPluginAsync =>
  async (app) => {
    await app.register(fastifyStatic, {
      root: ctx.options.pageDir,
      prefix: '/',
      index: 'index.html',
      cacheControl: false,
    });
    app.get('/api/setup', async () => ctx.setup);
  };

export const modelRoutes =
  (ctx: ServerContext): FastifyPluginAsync =>
  async (app) => {
    for (const m of ctx.models) await app.register(staticFiles(m.dir, `${MODELS_PREFIX}${m.name}/`));
    const cache = ctx.options.mobilenetCacheDir ?? settings().mobilenetCacheDir;
    await app.register(staticFiles(cache, MOBILENET_PREFIX));
    const explicit = (await mobilenetSources(cache, ctx.options.mobilenetUrl)).explicitDir;
    if (explicit) await app.register(staticFiles(explicit, EXPLICIT_MOBILENET_PREFIX));
    const movenetCache = ctx.options.movenetCacheDir ?? settings().movenetCacheDir;
    await app.register(staticFiles(movenetCache, MOVENET_PREFIX));
    const movenetExplicit = (await movenetSources(movenetCache, ctx.options.movenetUrl)).explicitDir;
    if (movenetExplicit) await app.register(staticFiles(movenetExplicit, EXPLICIT_MOVENET_PREFIX));
    await app.register(staticFiles(wasmDir, WASM_PREFIX));
    if (ctx.options.mkjs) await app.register(staticFiles(path.resolve(ctx.options.mkjs), MKJS_PREFIX));
  };

export async function serverContext(options: ServerOptions): Promise<ServerContext> {
  const found = await findModelFolders(options.modelsDir ?? settings().modelsDir);
  const extra = (options.models ?? []).map((d) => path.resolve(d));
  for (const dir of extra) {
    if (!(await exists(path.join(dir, 'model.json')))) {
      throw new Error(
        `${dir} is not an exported model folder (no model.json); kombat export or kombat train writes one`,
      );
    }
  }
  const models = await describeModels([...extra, ...found.filter((d) => !extra.includes(d))]);
  const names = models.map((m) => m.name);
  const defaultModel =
    options.defaultModel ?? (extra.length ? names[0] : names.includes('kombat-ternary') ? 'kombat-ternary' : names[0]);
  const cache = options.mobilenetCacheDir ?? settings().mobilenetCacheDir;
  const { entries } = await mobilenetSources(cache, options.mobilenetUrl);
  const movenet = await movenetSources(options.movenetCacheDir ?? settings().movenetCacheDir, options.movenetUrl);
  return {
    options,
    models,
    setup: {
      models: models.map(({ dir: _dir, ...m }) => m),
      defaultModel,
      mobilenet: entries,
      movenet: movenet.entry,
      wasmPath: WASM_PREFIX,
      mkjs: options.mkjs !== undefined,
    },
  };
}

export async function createServer(options: ServerOptions): Promise<{ app: FastifyInstance; context: ServerContext }> {
  const context = await serverContext(options);
  const app = Fastify({ logger: options.logger ?? false });
  app.addHook('onSend', async (_request, reply) => {
    for (const [k, v] of Object.entries(ISOLATION_HEADERS)) reply.header(k, v);
    reply.header('Cache-Control', 'no-cache');
  });
  await app.register(pageRoutes(context));
  await app.register(modelRoutes(context));
  const store = new CaptureStore(options.captureDir ?? path.join(settings().dataDir, 'captured'));
  await app.register(captureRoutes(store));
  await app.register(
    trainingRoutes({
      store,
      modelsDir: options.trainedDir ?? options.modelsDir ?? settings().modelsDir,
      overrides: options.training,
      onModel: (entry) => {
        context.models.push(entry);
        const { dir: _dir, ...offered } = entry;
        context.setup.models.push(offered);
      },
    }),
  );
  return { app, context };
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  context: ServerContext;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (port 0: any free port; default the settings' KOMBAT_PORT). */
export async function startServer(options: ServerOptions & { port?: number }): Promise<RunningServer> {
  const { app, context } = await createServer(options);
  const wanted = options.port ?? settings().port;
  try {
    await app.listen({ host: HOST, port: wanted });
  } catch (err) {
    await app.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      throw new Error(`port ${wanted} on ${HOST} is in use: pick another with --port or KOMBAT_PORT`);
    }
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : wanted;
  return { url: `http://${HOST}:${port}/`, app, context, close: () => app.close() };
}
