// The unit of work of augmentDataset: one source file -> the variants of it still missing.
// Runs in a worker thread (worker.ts) or in-process; both give the same bytes.
import { writeFileAtomic } from '../util/fs';
import { ImageError } from '../image/decode';
import { mulberry32 } from '../util/random';
import type { Augmenter, Size } from './pipeline';
import { augmentImage, encodeJpeg, loadFrame, sha256Hex } from './variant';

export interface AugmentJob {
  /** For messages: the source path as the user knows it. */
  name: string;
  bytes: Uint8Array;
  size: Size;
  pipeline: Augmenter;
  quality: number;
  tasks: { variant: number; rngSeed: number; outPath: string }[];
}

export type AugmentJobResult =
  | { ok: true; outputs: { variant: number; sha256: string; bytes: number }[] }
  | { ok: false; reason: string };

export async function runJob(job: AugmentJob): Promise<AugmentJobResult> {
  let frame;
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
    outputs.push({ variant: task.variant, sha256: sha256Hex(jpegBytes), bytes: jpegBytes.length });
  }
  return { ok: true, outputs };
}
