// File-name conventions. Videos are `<subject>_<clip>.<ext>`; frames are
// `<subject>_<clip>_<frame, 5 digits>.jpg`. Images without a manifest get their subject from the
// name: the part before the first '_' (or '-').
import * as path from 'node:path';

export interface NameParts {
  subject: string;
  clip: string;
  /** Frame number, or -1 where the name has none. */
  frame: number;
}

/** Subject used for images whose names carry none (e.g. the article's 1.jpg ... 190.jpg). */
export const UNKNOWN_SUBJECT = 'unknown';

/** Subject, clip and frame from an image file name, as far as the name tells them. */
export function parseImageName(file: string): NameParts {
  const stem = path.basename(file, path.extname(file));
  const m = /^([^_-]+)[_-](.*)$/.exec(stem);
  if (!m || m[1] === '') return { subject: UNKNOWN_SUBJECT, clip: '', frame: /^\d+$/.test(stem) ? Number(stem) : -1 };
  const subject = m[1];
  const rest = m[2];
  const f = /^(.*)[_-](\d+)$/.exec(rest);
  if (f) return { subject, clip: f[1], frame: Number(f[2]) };
  if (/^\d+$/.test(rest)) return { subject, clip: '', frame: Number(rest) };
  return { subject, clip: rest, frame: -1 };
}

/** Subject and clip from a video file name `<subject>_<clip>.<ext>`; a name without '_' is all subject, clip "1". */
export function parseVideoName(video: string): { subject: string; clip: string } {
  const stem = path.basename(video, path.extname(video));
  const i = stem.indexOf('_');
  if (i <= 0 || i === stem.length - 1) return { subject: stem.replace(/[_-]/g, ''), clip: '1' };
  return { subject: stem.slice(0, i), clip: stem.slice(i + 1) };
}

export function frameFileName(subject: string, clip: string, frame: number, ext = '.jpg'): string {
  return `${subject}_${clip}_${String(frame).padStart(5, '0')}${ext}`;
}

/** Throws when a subject or clip id would not survive the round trip through a file name. */
export function checkIds(subject: string, clip: string): void {
  if (!/^[A-Za-z0-9.]+$/.test(subject)) {
    throw new Error(
      `subject "${subject}" must be letters, digits or '.' (no '_', '-', '/' or spaces: file names carry it)`,
    );
  }
  if (!/^[A-Za-z0-9._-]+$/.test(clip)) throw new Error(`clip "${clip}" must be letters, digits, '.', '_' or '-'`);
}
