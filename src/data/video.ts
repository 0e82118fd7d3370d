// ffprobe / ffmpeg wrappers: what a video is (size, frame rate, duration) and its frames as JPEGs.
import { execFile } from 'node:child_process';

export interface VideoInfo {
  width: number;
  height: number;
  /** Frames per second (the stream's frame rate). */
  fps: number;
  /** Seconds, or undefined where the container does not say. */
  duration?: number;
}

export class VideoError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'VideoError';
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') reject(new Error(`${cmd} is not installed (it is needed to read videos)`));
        else reject(new Error(lastLines(String(stderr)) || err.message));
      } else resolve(String(stdout));
    });
  });
}

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join('; ');
}

function rate(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const [a, b] = text.split('/').map(Number);
  const r = b === undefined ? a : a / b;
  return Number.isFinite(r) && r > 0 ? r : undefined;
}

export async function probeVideo(file: string): Promise<VideoInfo> {
  let out: string;
  try {
    out = await run('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height,r_frame_rate,avg_frame_rate,duration:format=duration',
      '-of',
      'json',
      file,
    ]);
  } catch (err) {
    throw new VideoError(file, `ffmpeg cannot read this video (${(err as Error).message})`);
  }
  const info = JSON.parse(out) as { streams?: Record<string, string | number>[]; format?: { duration?: string } };
  const stream = info.streams?.[0];
  if (!stream) throw new VideoError(file, 'ffmpeg finds no video stream in this file');
  const fps = rate(String(stream.avg_frame_rate)) ?? rate(String(stream.r_frame_rate));
  if (!fps) throw new VideoError(file, 'ffmpeg finds no frame rate for this video');
  const d = Number(info.format?.duration ?? stream.duration);
  return {
    width: Number(stream.width),
    height: Number(stream.height),
    fps,
    duration: Number.isFinite(d) && d > 0 ? d : undefined,
  };
}

/**
 * Writes the frames of `video`, resampled to `fps`, as `<dir>/00000.jpg`, `00001.jpg`, ...:
 * frame n shows time n / fps. (The article's step was `ffmpeg -i video.mov %03d.jpg`.)
 */
export async function extractJpegs(video: string, dir: string, fps: number, quality = 2): Promise<void> {
  try {
    await run('ffmpeg', [
      '-v',
      'error',
      '-nostdin',
      '-y',
      '-i',
      video,
      '-vf',
      `fps=${fps}`,
      '-q:v',
      String(quality),
      '-start_number',
      '0',
      `${dir}/%05d.jpg`,
    ]);
  } catch (err) {
    throw new VideoError(video, `ffmpeg could not extract frames (${(err as Error).message})`);
  }
}
