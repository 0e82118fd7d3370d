// A recording as the game sees it: its frames at the page's rate, each with its time, next to the
// recording's label ranges. Frames are written once per run to <data>/play/<subject>_<clip>/
// (ffmpeg's output is the same every time, so their features come from the cache on a re-run).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Recording } from '../data/builtin';
import { type LabelRange, readLabels } from '../data/labels';
import { extractJpegs, probeVideo } from '../data/video';
import { settings } from '../settings';
import { type FolderKind, writeDirAtomic } from '../util/fs';
import { PLAY_FPS } from './play';

export interface ClipFrames {
  recording: Recording;
  ranges: LabelRange[];
  /** Frame files in time order, and the time each shows (frame n: n / fps seconds). */
  files: string[];
  times: number[];
}

/** Where the frames of played clips go: <data>/play (not committed). */
export function playFramesDir(dataDir = settings().dataDir): string {
  return path.join(dataDir, 'play');
}

/** A frame file as extractJpegs names it (00000.jpg, 00001.jpg, ...): its number is the frame's index. */
const FRAME_NAME = /^\d+\.jpg$/;

/** A clip's frames as clipFrames writes them, which it may replace: numbered JPEGs and nothing else. */
const CLIP_FRAMES: FolderKind = {
  name: "a clip's frames",
  sign: 'only numbered JPEGs (0.jpg, 1.jpg, ...)',
  async is(dir) {
    const names = await fs.readdir(dir);
    return names.length > 0 && names.every((f) => FRAME_NAME.test(f));
  },
};

/** The recording's frames at `fps` and its label ranges (checked against the video's length). */
export async function clipFrames(recording: Recording, root = playFramesDir(), fps = PLAY_FPS): Promise<ClipFrames> {
  const info = await probeVideo(recording.video);
  // Half a frame of slack for containers that round the duration down (as data/frames.ts).
  const ranges = await readLabels(recording.labels, { duration: info.duration, tolerance: 0.5 / info.fps + 0.01 });
  const dir = path.join(root, `${recording.subject}_${recording.clip}`);
  await writeDirAtomic(dir, (tmp) => extractJpegs(recording.video, tmp, fps), {
    kind: CLIP_FRAMES,
    forceable: false,
    instead: 'delete it (chapter 10 extracts it again)',
  });
  const names = (await fs.readdir(dir)).filter((f) => FRAME_NAME.test(f)).sort();
  if (names.length === 0) throw new Error(`${recording.video}: ffmpeg extracted no frames`);
  return {
    recording,
    ranges,
    files: names.map((f) => path.join(dir, f)),
    times: names.map((f) => Number(path.basename(f, '.jpg')) / fps),
  };
}
