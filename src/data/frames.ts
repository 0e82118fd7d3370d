// Frames from a video, sorted by label ranges: `<out>/<class>/<subject>_<clip>_<frame>.jpg`, rows
// merged into `<out>/manifest.csv`. Frames in "ambiguous" ranges are skipped; frames outside every
// range go to `<out>/unlabelled/` for sorting by hand. Everything that can fail (reading the video,
// checking the labels, extracting, hashing) happens in a temporary folder before `<out>` is touched.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { mapLimit } from '../pool/limit';
import { displayPath } from '../settings';
import { claimOutput, type FolderKind, settleTemporary, temporarySibling } from '../util/fs';
import { sha256File } from '../util/hash';
import { type ClassCounts, classCounts } from './balance';
import { type LabelRange, rangeAt, readLabels } from './labels';
import { CLASSES, type ClassName, DATASET, isFolder } from './layout';
import { type ManifestRow, manifestPath, readManifest, writeManifest } from './manifest';
import { checkIds, frameFileName, parseVideoName } from './naming';
import { extractJpegs, probeVideo, type VideoInfo } from './video';

export const UNLABELLED = 'unlabelled';
/** What frames are written into (and merged with): a dataset, or frames still unlabelled. */
export const FRAMES_FOLDER: FolderKind = {
  name: 'a dataset folder',
  sign: `class folders, ${UNLABELLED}/ or manifest.csv`,
  async is(dir) {
    return (await DATASET.is(dir)) || (await isFolder(path.join(dir, UNLABELLED)));
  },
};

/** Seconds added to a frame's time before looking up its range. */
export const TIME_EPSILON = 1e-6;

export interface FramesOptions {
  video: string;
  out: string;
  /** Frames per second to extract; default the video's own rate. */
  fps?: number;
  /** Label ranges CSV (start,end,label); without it every frame goes to unlabelled/. */
  labels?: string;
  /** Default: from the video name `<subject>_<clip>.<ext>`. */
  subject?: string;
  clip?: string;
  /** Manifest "source"; default the video path relative to the project (or as given). */
  source?: string;
  /** JPEG quality for ffmpeg's -q:v (2 best .. 31 worst). */
  quality?: number;
  /** Write into a folder that is not a dataset folder (never into a plain file). */
  force?: boolean;
}

export interface FramesResult {
  video: string;
  subject: string;
  clip: string;
  fps: number;
  info: VideoInfo;
  /** Frames ffmpeg produced. */
  frames: number;
  /** Frames written per class. */
  counts: ClassCounts;
  ambiguous: number;
  unlabelled: number;
  /** Manifest rows written for this video. */
  rows: ManifestRow[];
}

export async function extractFrames(options: FramesOptions): Promise<FramesResult> {
  const { video, out } = options;
  const info = await probeVideo(video);
  const fps = options.fps ?? info.fps;
  if (!(fps > 0)) throw new Error(`--fps must be positive, got ${fps}`);
  const named = parseVideoName(video);
  const subject = options.subject ?? named.subject;
  const clip = options.clip ?? named.clip;
  checkIds(subject, clip);
  // Half a frame of slack for containers that round the duration down.
  const ranges: LabelRange[] | undefined = options.labels
    ? await readLabels(options.labels, { duration: info.duration, tolerance: 0.5 / info.fps + 0.01 })
    : undefined;
  const source = options.source ?? displayPath(path.resolve(video));
  const release = await claimOutput(out, { kind: FRAMES_FOLDER, force: options.force });
  const tmp = temporarySibling(path.resolve(out));
  try {
    const existingRows = (await fs.access(manifestPath(out)).then(
      () => true,
      () => false,
    ))
      ? await readManifest(out)
      : [];
    await fs.mkdir(tmp);
    const raw = path.join(tmp, 'raw');
    await fs.mkdir(raw);
    await extractJpegs(video, raw, fps, options.quality);
    const files = (await fs.readdir(raw)).filter((f) => /^\d+\.jpg$/.test(f)).sort();
    if (files.length === 0) throw new Error(`${video}: ffmpeg extracted no frames`);

    // Sort into class folders inside the temporary folder.
    const placed: { folder: string; name: string; frame: number; label?: ClassName }[] = [];
    let ambiguous = 0;
    for (const f of files) {
      const frame = Number(path.basename(f, '.jpg'));
      const name = frameFileName(subject, clip, frame);
      let folder: string;
      let label: ClassName | undefined;
      if (!ranges) folder = UNLABELLED;
      else {
        // Labels files round times (synth writes microseconds); the nudge keeps a frame that starts
        // a range from landing in the one before it.
        const range = rangeAt(ranges, frame / fps + TIME_EPSILON);
        if (!range) folder = UNLABELLED;
        else if (range.label === 'ambiguous') {
          ambiguous++;
          continue;
        } else folder = label = range.label;
      }
      await fs.mkdir(path.join(tmp, folder), { recursive: true });
      await fs.rename(path.join(raw, f), path.join(tmp, folder, name));
      placed.push({ folder, name, frame, label });
    }
    await fs.rm(raw, { recursive: true, force: true });
    const labelled = placed.flatMap((p) => (p.label === undefined ? [] : [{ ...p, label: p.label }]));
    const hashes = await mapLimit(labelled, 8, (p) => sha256File(path.join(tmp, p.folder, p.name)));
    const rows: ManifestRow[] = labelled.map((p, i) => ({
      file: `${p.folder}/${p.name}`,
      label: p.label,
      subject,
      clip,
      frame: p.frame,
      source,
      sha256: hashes[i],
    }));

    // Commit: move the new frames in, remove this clip's stale frames, then swap the manifest.
    const prefix = `${subject}_${clip}_`;
    const isOurs = (name: string) => name.startsWith(prefix) && /^\d{5}\.jpg$/.test(name.slice(prefix.length));
    const newFiles = new Set(placed.map((p) => `${p.folder}/${p.name}`));
    for (const folder of [...CLASSES, UNLABELLED]) {
      const old = await fs.readdir(path.join(out, folder)).catch(() => [] as string[]);
      for (const name of old)
        if (isOurs(name) && !newFiles.has(`${folder}/${name}`))
          await fs.rm(path.join(out, folder, name), { force: true });
    }
    for (const p of placed) {
      await fs.mkdir(path.join(out, p.folder), { recursive: true });
      await fs.rename(path.join(tmp, p.folder, p.name), path.join(out, p.folder, p.name));
    }
    const ofThisClip = (r: ManifestRow) => r.subject === subject && r.clip === clip;
    if (ranges || existingRows.some(ofThisClip)) {
      const kept = existingRows.filter((r) => !ofThisClip(r));
      const merged = [...kept, ...rows].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      await writeManifest(out, merged);
    }
    return {
      video,
      subject,
      clip,
      fps,
      info,
      frames: files.length,
      counts: classCounts(rows),
      ambiguous,
      unlabelled: placed.length - labelled.length,
      rows,
    };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
    settleTemporary(tmp);
    release();
  }
}
