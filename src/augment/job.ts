// The unit of work of augmentDataset: one source file -> the variants of it still missing. The
// pool's task module (pool/workers.ts): runs in a worker thread or in-process, with the same bytes.
import { ImageError, type RgbImage } from '../image/decode';
import type { TaskFunction } from '../pool/workers';
import { writeFileAtomic } from '../util/fs';
import { sha256 } from '../util/hash';
import { mulberry32 } from '../util/random';
import type { Augmenter } from './pipeline';
import { augmentImage, encodeJpeg, loadFrame, type SizePolicy } from './variant';

export interface AugmentJob {
  /** For messages: the source path as the user knows it. */
  name: string;
  bytes: Uint8Array;
  size: SizePolicy;
  pipeline: Augmenter;
  quality: number;
  tasks: { variant: number; rngSeed: number; outPath: string }[];
}

export type AugmentJobResult =
  | { ok: true; outputs: { variant: number; sha256: string; bytes: number }[] }
  | { ok: false; reason: string };

export async function runJob(job: AugmentJob): Promise<AugmentJobResult> {
  let frame: RgbImage;
  try {
    frame = await loadFrame(job.bytes, job.name, job.size);
  } catch (err) {
    if (err instanceof ImageError) return { ok: false, reason: err.reason };
    throw err;
  }
  const outputs: { variant: number; sha256: string; bytes: number }[] = [];
  for (const task of job.tasks) {
    const jpegBytes = await encodeJpeg(augmentImage(frame, mulberry32(task.rngSeed), job.pipeline), job.quality);
    await writeFileAtomic(task.outPath, jpegBytes);
    outputs.push({ variant: task.variant, sha256: sha256(jpegBytes), bytes: jpegBytes.length });
  }
  return { ok: true, outputs };
}

export function setup(): TaskFunction<AugmentJob, AugmentJobResult> {
  return runJob;
}
