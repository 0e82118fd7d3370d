// A video made of real frames, for the game page's end-to-end test: Chromium's fake webcam plays a
// y4m file (--use-file-for-fake-video-capture), and real frames come from videos, so played in
// file order they are runs of punches and of other movements again. The result says which frames
// of the clip are which, so a test can check that punches fire during the punch runs.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexDataset } from '../data/entries';
import { temporarySibling } from '../util/fs';
import { realStreams, sourceOf } from './real';

export interface ClipRun {
  /** The first frame's file name stem without its number, e.g. "lr_straight". */
  source: string;
  label: string;
  /** Frame indices in the clip, end exclusive. */
  start: number;
  end: number;
}

export interface RealClip {
  file: string;
  fps: number;
  frames: number;
  width: number;
  height: number;
  /** Consecutive frames of one label and one source, in clip order. */
  runs: ClipRun[];
}

/**
 * Writes the frames of a dataset folder as one y4m clip (yuv420p, `width` wide, even height), in
 * file order: each source video's frames in name order (realStreams), one run after another.
 * Written to a temporary name and renamed into place.
 */
export async function realFramesClip(
  dataDir: string,
  out: string,
  { fps = 10, width = 640 }: { fps?: number; width?: number } = {},
): Promise<RealClip> {
  const index = await indexDataset(dataDir);
  if (index.entries.length === 0) throw new Error(`${dataDir}: no images in the class folders`);
  const streams = realStreams(index.entries.map((e) => e.file));
  const entries = streams.flat().map((i) => index.entries[i]);
  let start = 0;
  const runs: ClipRun[] = streams.map((stream) => {
    const first = index.entries[stream[0]];
    const run = { source: sourceOf(first.file), label: first.label, start, end: start + stream.length };
    start = run.end;
    return run;
  });
  await fs.mkdir(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = temporarySibling(path.resolve(out));
  // The concat demuxer reads the list in order; each image is shown for one frame at `fps`.
  const list = `${tmp}.txt`;
  const lines = entries.map(
    (e) => `file '${path.resolve(dataDir, e.file).replace(/'/g, "'\\''")}'\nduration ${1 / fps}`,
  );
  // The demuxer drops the last entry's duration unless that file is listed once more.
  await fs.writeFile(list, `ffconcat version 1.0\n${lines.join('\n')}\n${lines[lines.length - 1].split('\n')[0]}\n`);
  try {
    await ffmpeg([
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      '-y',
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      list,
      '-vf',
      `scale=${width}:-2,fps=${fps},format=yuv420p`,
      '-frames:v',
      String(entries.length),
      '-f',
      'yuv4mpegpipe',
      tmp,
    ]);
    await fs.rename(tmp, out);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  } finally {
    await fs.rm(list, { force: true });
  }
  const header = (await readHeader(out)).split(' ');
  const dim = (tag: string) => Number(header.find((h) => h.startsWith(tag))?.slice(1));
  return { file: out, fps, frames: entries.length, width: dim('W'), height: dim('H'), runs };
}

function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`cannot run ffmpeg (${e.message}); install it (make system)`)));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg failed (exit ${code}): ${err.trim()}`)),
    );
  });
}

async function readHeader(file: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(128);
    await handle.read(buf, 0, 128, 0);
    return buf.toString('latin1').split('\n')[0];
  } finally {
    await handle.close();
  }
}
