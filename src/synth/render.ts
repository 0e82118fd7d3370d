// Renders one clip: per frame the body as SVG rasterised by sharp over a pre-rendered room, then
// typed-array post-processing (motion blur, camera jitter, lighting drift, sensor noise), piped
// as raw RGB to ffmpeg for MJPEG-in-AVI (JPEG artefacts; byte-deterministic with -threads 1 and bitexact).
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { drawBody, type Subject } from '../body';
import { settleTemporary, temporarySibling, writeFileAtomic } from '../util/fs';
import { mulberry32, range } from '../util/random';
import { type AmbiguousMode, frameRanges, type Label, labelOf, labelsCsv } from './clip';
import { type ClipStyle, planFor } from './plan';
import { type RoomKind, roomSvg } from './room';
import type { ClipPart } from './script';

export const VIDEO_EXTENSION = '.avi';
/** avi: MJPEG like a webcam recording (the datasets); y4m: raw frames for Chromium's fake webcam. */
export const VIDEO_FORMATS = ['avi', 'y4m'] as const;
export type VideoFormat = (typeof VIDEO_FORMATS)[number];

type Span = [number, number];
interface Look {
  gain: Span;
  tint: Span[];
  ramp: Span;
  vignette: Span;
  blur: Span;
  noise: Span;
  quality: Span;
  flicker: Span;
}

/**
 * Ranges of each clip's look. The webcam style widens them (domain randomisation): darker and
 * brighter exposure, stronger colour casts and side light, more motion blur, noise and JPEG loss.
 */
const LOOKS: Record<ClipStyle, Look> = {
  builtin: {
    gain: [0.72, 1.15],
    tint: [
      [0.92, 1.08],
      [0.95, 1.04],
      [0.88, 1.1],
    ],
    ramp: [0, 0.25],
    vignette: [0.1, 0.35],
    blur: [0.12, 0.35],
    noise: [2, 7],
    quality: [4, 11],
    flicker: [0, 0.05],
  },
  webcam: {
    gain: [0.5, 1.3],
    tint: [
      [0.82, 1.18],
      [0.9, 1.08],
      [0.75, 1.2],
    ],
    ramp: [0, 0.5],
    vignette: [0.1, 0.55],
    blur: [0.1, 0.5],
    noise: [2, 11],
    quality: [3, 13],
    flicker: [0, 0.08],
  },
};

export interface ClipJob {
  /** Folder the video and labels go to. */
  dir: string;
  subject: Subject;
  /** e.g. "c01"; files are <subject>_<clip>.avi / .labels.csv. */
  clip: string;
  seed: number;
  fps: number;
  width: number;
  height: number;
  ambiguous: AmbiguousMode;
  /** Room kind; random when absent. */
  room?: RoomKind;
  /** Cap on the clip length in seconds (tests). */
  maxSeconds?: number;
  /** Default 'builtin'. */
  style?: ClipStyle;
  /** Scripted parts (only punches, kicks or other movements) instead of a random recording. */
  script?: ClipPart[];
  /** Default avi. */
  format?: VideoFormat;
}

export interface ClipResult {
  video: string;
  labels: string;
  subject: string;
  clip: string;
  room: RoomKind;
  fps: number;
  frames: number;
  duration: number;
  counts: Record<Label, number>;
  /** Frames per action name (e.g. "punch-R-high"), for the dataset card. */
  actions: Record<string, number>;
}

export function clipBaseName(subject: string, clip: string): string {
  return `${subject}_${clip}`;
}

function ffmpegArgs(width: number, height: number, fps: number, quality: number, out: string, format: VideoFormat) {
  const input = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0'];
  const common = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...input];
  if (format === 'y4m') return [...common, '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', out];
  return [
    ...common,
    '-c:v',
    'mjpeg',
    '-q:v',
    String(quality),
    '-pix_fmt',
    'yuvj420p',
    '-threads',
    '1',
    '-fflags',
    '+bitexact',
    '-flags:v',
    '+bitexact',
    '-map_metadata',
    '-1',
    '-f',
    'avi',
    out,
  ];
}

/** Renders the clip's frames, calling `onFrame` after each; resolves when both files are in place. */
export async function renderClip(job: ClipJob, onFrame?: () => void): Promise<ClipResult> {
  const rng = mulberry32(job.seed);
  const W = job.width;
  const H = job.height;
  const M = Math.max(2, Math.round(W / 100)); // jitter margin
  const W2 = W + 2 * M;
  const H2 = H + 2 * M;
  const plan = planFor(rng, job);
  const cam = { ...plan.camera, x: plan.camera.x + M, y: plan.camera.y + M };
  const room = roomSvg(rng, W2, H2, cam, job.room);
  const duration = Math.min(plan.duration, job.maxSeconds ?? Infinity);
  const frames = Math.max(1, Math.floor(duration * job.fps));

  // Per-clip look: exposure, white balance, light direction, blur, noise, JPEG quality.
  const look = LOOKS[job.style ?? 'builtin'];
  const gain = range(rng, ...look.gain);
  const tint = look.tint.map((t) => range(rng, ...t));
  const lightLeft = rng() < 0.5;
  const ramp = range(rng, ...look.ramp);
  const vignette = range(rng, ...look.vignette);
  const blur = range(rng, ...look.blur);
  const sigma = range(rng, ...look.noise) / Math.sqrt(gain);
  const quality = Math.round(range(rng, ...look.quality));
  const flickerAmp = range(rng, ...look.flicker);
  const flickerPeriod = range(rng, 3, 9);
  const flickerPhase = range(rng, 0, Math.PI * 2);
  // An exposure step (a lamp switched, auto-exposure) settling over a second.
  const stepAt = rng() < 0.5 ? range(rng, 0.2, 0.9) * duration : Infinity;
  const stepSize = range(rng, -0.15, 0.15);
  let noiseState = (job.seed ^ 0x9e3779b9) >>> 0;

  // Static per-pixel light map (vignette and a side ramp), on the output frame.
  const lightMap = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const dx = (x - W / 2) / (W / 2);
      const dy = (y - H / 2) / (H / 2);
      const side = lightLeft ? 1 - x / W : x / W;
      lightMap[y * W + x] = (1 - vignette * 0.5 * (dx * dx + dy * dy)) * (1 - ramp + 2 * ramp * side);
    }
  }

  const bg = await sharp(Buffer.from(room.svg)).removeAlpha().raw().toBuffer();
  const cur = new Float32Array(W2 * H2 * 3);
  const prev = new Float32Array(W2 * H2 * 3);
  const out = Buffer.alloc(W * H * 3);

  const base = clipBaseName(job.subject.id, job.clip);
  await fs.mkdir(job.dir, { recursive: true });
  const format = job.format ?? 'avi';
  const videoPath = path.join(job.dir, `${base}.${format}`);
  const tmp = temporarySibling(videoPath);
  const ff = spawn('ffmpeg', ffmpegArgs(W, H, job.fps, quality, tmp, format), { stdio: ['pipe', 'ignore', 'pipe'] });
  let ffErr = '';
  ff.stderr.on('data', (d: Buffer) => (ffErr += d.toString()));
  const done = new Promise<number>((resolve, reject) => {
    ff.on('error', reject);
    ff.on('close', (code) => resolve(code ?? -1));
  });
  const write = (buf: Buffer) =>
    new Promise<void>((resolve, reject) => {
      ff.stdin.write(buf, (err) => (err ? reject(err) : resolve()));
    });

  const labels: Label[] = [];
  const actions: Record<string, number> = {};
  const light = { x: lightLeft ? -0.7 : 0.7, y: -0.7 };
  let jx = 0;
  let jy = 0;
  try {
    for (let i = 0; i < frames; i++) {
      const t = i / job.fps;
      const s = plan.timeline.at(t);
      labels.push(labelOf(s.phase, s.cls, job.ambiguous));
      actions[s.action] = (actions[s.action] ?? 0) + 1;
      const body = drawBody(
        s.pose,
        job.subject,
        { yaw: 0, scale: cam.scale, x: cam.x, y: cam.y, cameraDistance: cam.distance, cameraHeight: cam.height },
        { light, idPrefix: 'b' },
      );
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W2}" height="${H2}">${body}</svg>`;
      const fg = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer();
      // Composite over the room, then blend with the previous frame (motion blur).
      const b = i === 0 ? 0 : blur;
      for (let p = 0, q = 0; p < cur.length; p += 3, q += 4) {
        const a = fg[q + 3] / 255;
        for (let c = 0; c < 3; c++) {
          const v = bg[p + c] * (1 - a) + fg[q + c] * a;
          cur[p + c] = v * (1 - b) + prev[p + c] * b;
        }
      }
      prev.set(cur);
      // Camera jitter: a small random walk pulled back to the centre.
      jx = Math.max(-M, Math.min(M, jx * 0.7 + (rng() - 0.5) * 1.6));
      jy = Math.max(-M, Math.min(M, jy * 0.7 + (rng() - 0.5) * 1.2));
      const ox = M + Math.round(jx);
      const oy = M + Math.round(jy);
      const settle = t < stepAt ? 0 : stepSize * (1 - Math.exp(-(t - stepAt) / 0.4));
      const g = gain * (1 + flickerAmp * Math.sin((2 * Math.PI * t) / flickerPeriod + flickerPhase) + settle);
      for (let y = 0; y < H; y++) {
        let src = ((y + oy) * W2 + ox) * 3;
        let dst = y * W * 3;
        for (let x = 0; x < W; x++) {
          const lm = lightMap[y * W + x] * g;
          // Luma noise shared by the channels plus a little chroma noise (xorshift32).
          noiseState ^= noiseState << 13;
          noiseState ^= noiseState >>> 17;
          noiseState ^= noiseState << 5;
          const n0 = ((noiseState >>> 0) / 4294967296 + ((noiseState >>> 16) & 0xffff) / 65536 - 1) * sigma * 1.7;
          for (let c = 0; c < 3; c++) {
            const chroma = (((noiseState >>> (c * 8)) & 0xff) / 255 - 0.5) * sigma * 0.8;
            const v = cur[src + c] * lm * tint[c] + n0 + chroma;
            out[dst + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
          }
          src += 3;
          dst += 3;
        }
      }
      await write(out);
      onFrame?.();
    }
    ff.stdin.end();
    const code = await done;
    if (code !== 0) throw new Error(`ffmpeg failed (exit ${code}) for ${videoPath}: ${ffErr.trim()}`);
    await fs.rename(tmp, videoPath);
  } catch (err) {
    ff.stdin.destroy();
    ff.kill();
    await fs.rm(tmp, { force: true });
    throw err;
  } finally {
    settleTemporary(tmp);
  }

  const labelsPath = path.join(job.dir, `${base}.labels.csv`);
  await writeFileAtomic(labelsPath, labelsCsv(frameRanges(labels, job.fps)));
  const counts: Record<Label, number> = { punch: 0, kick: 0, other: 0, ambiguous: 0 };
  for (const l of labels) counts[l]++;
  return {
    video: videoPath,
    labels: labelsPath,
    subject: job.subject.id,
    clip: job.clip,
    room: room.kind,
    fps: job.fps,
    frames,
    duration: frames / job.fps,
    counts,
    actions,
  };
}
