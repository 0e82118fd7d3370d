// The page's capture routes: frames in (POST, raw JPEG bytes), the listing with counts, the frames
// back as thumbnails, deletions. All checking lives in data/capture.ts; here only HTTP.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { CAPTURE_LIMITS, CaptureError, type CaptureStore } from '../data/capture';
import { CLASSES } from '../data/layout';
import { CAPTURED_PREFIX, type CaptureListing } from './api';

/** A refusal as JSON {error}, with its status; anything else is the server's fault (500). */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const status = err instanceof CaptureError ? err.status : 500;
  return reply.code(status).send({ error: (err as Error).message });
}

function query(q: unknown, key: string): string {
  const v = (q as Record<string, unknown>)[key];
  if (typeof v !== 'string') throw new CaptureError(`the query needs ${key}=...`, 400);
  return v;
}

export const captureRoutes =
  (store: CaptureStore): FastifyPluginAsync =>
  async (app) => {
    // Raw JPEG bodies, refused by Fastify itself beyond the limit (413).
    app.addContentTypeParser(
      'image/jpeg',
      { parseAs: 'buffer', bodyLimit: CAPTURE_LIMITS.maxBytes },
      (_r, body, done) => done(null, body),
    );

    app.get('/api/capture', async (): Promise<CaptureListing> => {
      const frames = await store.list();
      const counts: Record<string, number> = Object.fromEntries(CLASSES.map((c) => [c, 0]));
      for (const f of frames) counts[f.label]++;
      return { classes: [...CLASSES], counts, frames, maxBytes: CAPTURE_LIMITS.maxBytes };
    });

    app.post('/api/capture/frame', async (request, reply) => {
      try {
        if (!Buffer.isBuffer(request.body))
          throw new CaptureError('send the frame as the request body, Content-Type: image/jpeg', 415);
        const q = request.query;
        const frame = await store.add({
          label: query(q, 'label'),
          person: query(q, 'person'),
          recording: query(q, 'recording'),
          bytes: request.body,
        });
        return reply.code(201).send(frame);
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.delete('/api/capture/frame', async (request, reply) => {
      try {
        const q = request.query as Record<string, unknown>;
        const deleted =
          typeof q.file === 'string'
            ? await store.remove({ file: q.file })
            : await store.remove({ person: query(q, 'person'), recording: query(q, 'recording') });
        return { deleted };
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.get(`${CAPTURED_PREFIX}*`, async (request, reply) => {
      try {
        const file = (request.params as { '*': string })['*'];
        const bytes = await store.read(file);
        return reply.type('image/jpeg').send(Buffer.from(bytes));
      } catch (err) {
        return sendError(reply, err);
      }
    });
  };
