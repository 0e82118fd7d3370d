// The page's recordings: data/captured/, a dataset in the layout every data tool reads (class
// folders, <person>_<recording>_<frame>.jpg, manifest.csv). Frames arrive over HTTP from the page,
// so everything about them is untrusted: the class must be a known one, the person and recording
// names letters and digits only, the bytes a JPEG under a size limit; every path is built from
// those checked parts, class folders that are symlinks are refused, and each file and the manifest
// are written under a temporary name, then renamed. Writes are serialised, so the manifest always
// lists exactly the frames on disk; each one claims the folder first (util/fs.ts), so it is never
// another dataset (a folder of frames not recorded in the page) and has one writer at a time.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { claimOutput, type FolderKind, type OutputRule, writeFileAtomic } from '../util/fs';
import { sha256 } from '../util/hash';
import { CLASSES, type ClassName } from './layout';
import { type ManifestRow, manifestPath, readManifest, writeManifest } from './manifest';
import { frameFileName } from './naming';

/** Limits on one captured frame: the page sends JPEGs of at most 640 px on a side, well under these. */
export const CAPTURE_LIMITS = { maxBytes: 512 * 1024, maxSide: 1920 } as const;

/** Person and recording names: they become file-name prefixes, so letters and digits only. */
const NAME = /^[A-Za-z0-9]{1,32}$/;
/** A captured frame's path inside the folder, as the page names it. */
const FRAME_FILE = new RegExp(`^(${CLASSES.join('|')})/[A-Za-z0-9]{1,32}_[A-Za-z0-9]{1,32}_\\d{5}\\.jpg$`);
/** The manifest's `source` of a frame recorded in the page. */
export const PAGE_SOURCE = 'page';

/** The page's recordings: a manifest whose every frame came from the page (an empty folder is one to start). */
export const CAPTURED: FolderKind = {
  name: "the page's recordings",
  sign: `a manifest.csv whose every frame was recorded in the page (source "${PAGE_SOURCE}")`,
  async is(dir) {
    const rows = await readManifest(dir).catch(() => undefined);
    return rows !== undefined && rows.length > 0 && rows.every((r) => r.source === PAGE_SOURCE);
  },
};

/** What a capture may write into: a missing or empty folder, or the page's recordings; never with force. */
const CAPTURE_OUTPUT: OutputRule = {
  kind: CAPTURED,
  forceable: false,
  instead: 'give the page a capture folder of its own (new, empty, or recorded in the page)',
};

/** A refusal, with the HTTP status that says whose fault it is. */
export class CaptureError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}

export interface CaptureRequest {
  label: string;
  person: string;
  recording: string;
  bytes: Uint8Array;
}

export interface CapturedFrame {
  /** Relative to the folder, e.g. punch/ann_r1_00003.jpg. */
  file: string;
  label: ClassName;
  person: string;
  recording: string;
  frame: number;
}

export function checkLabel(label: string): ClassName {
  if (!(CLASSES as readonly string[]).includes(label))
    throw new CaptureError(`class "${label}" is not one of ${CLASSES.join(', ')}`, 400);
  return label as ClassName;
}

export function checkName(what: 'person' | 'recording', name: string): string {
  if (!NAME.test(name))
    throw new CaptureError(`${what} name "${name}" must be 1 to 32 letters or digits (it goes into file names)`, 400);
  return name;
}

/** The file's class folder and name, when it is a captured frame's path; throws otherwise. */
export function checkFrameFile(file: string): string {
  if (!FRAME_FILE.test(file))
    throw new CaptureError(`"${file}" is not a captured frame (<class>/<person>_<recording>_<NNNNN>.jpg)`, 400);
  return file;
}

/** Throws unless the bytes are one whole JPEG within CAPTURE_LIMITS. */
export async function checkJpeg(bytes: Uint8Array): Promise<void> {
  if (bytes.length === 0) throw new CaptureError('the image is empty', 400);
  if (bytes.length > CAPTURE_LIMITS.maxBytes)
    throw new CaptureError(`the image has ${bytes.length} bytes; the limit is ${CAPTURE_LIMITS.maxBytes}`, 413);
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { failOn: 'truncated' }).metadata();
    if (meta.format !== 'jpeg') throw new Error(`a ${meta.format} image`);
    await sharp(bytes, { failOn: 'truncated' }).raw().toBuffer();
  } catch (err) {
    throw new CaptureError(`the image is not a whole JPEG (${(err as Error).message})`, 415);
  }
  const side = Math.max(meta.width ?? 0, meta.height ?? 0);
  if (side > CAPTURE_LIMITS.maxSide)
    throw new CaptureError(`the image is ${meta.width}x${meta.height}; the limit is ${CAPTURE_LIMITS.maxSide} px`, 413);
}

function frameOf(row: ManifestRow): CapturedFrame {
  return { file: row.file, label: row.label as ClassName, person: row.subject, recording: row.clip, frame: row.frame };
}

export class CaptureStore {
  readonly root: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Runs `task` after every earlier write has finished, with the folder claimed (util/fs.ts's guard and lock). */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const claimed = async () => {
      await this.rootDir();
      const release = await claimOutput(this.root, CAPTURE_OUTPUT).catch((err: Error) => {
        throw new CaptureError(err.message, 409);
      });
      try {
        return await task();
      } finally {
        release();
      }
    };
    const run = this.queue.then(claimed, claimed);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The folder itself, created if missing; refused if it is a symlink (it could point anywhere). */
  private async rootDir(): Promise<string> {
    await fs.mkdir(this.root, { recursive: true });
    const stat = await fs.lstat(this.root);
    if (stat.isSymbolicLink() || !stat.isDirectory())
      throw new CaptureError(`${this.root} is not a plain folder (a symlink?): refusing to write there`, 500);
    return fs.realpath(this.root);
  }

  /** A class folder, created if missing, checked to be a real folder directly inside the root. */
  private async classDir(label: ClassName): Promise<string> {
    const root = await this.rootDir();
    const dir = path.join(root, label);
    await fs.mkdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    const stat = await fs.lstat(dir);
    if (stat.isSymbolicLink() || !stat.isDirectory() || (await fs.realpath(dir)) !== dir)
      throw new CaptureError(
        `${label}/ in ${this.root} is not a plain folder (a symlink?): refusing to write there`,
        500,
      );
    return dir;
  }

  private async rows(): Promise<ManifestRow[]> {
    try {
      return await readManifest(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async list(): Promise<CapturedFrame[]> {
    return (await this.rows()).map(frameOf);
  }

  /** Counts per class (every class, zero included). */
  async counts(): Promise<Record<ClassName, number>> {
    const counts = Object.fromEntries(CLASSES.map((c) => [c, 0])) as Record<ClassName, number>;
    for (const f of await this.list()) counts[f.label]++;
    return counts;
  }

  /** Stores one frame as the next frame of its recording. */
  add(request: CaptureRequest): Promise<CapturedFrame> {
    const label = checkLabel(request.label);
    const person = checkName('person', request.person);
    const recording = checkName('recording', request.recording);
    return this.serial(async () => {
      await checkJpeg(request.bytes);
      const dir = await this.classDir(label);
      const rows = await this.rows();
      let frame =
        1 + Math.max(0, ...rows.filter((r) => r.subject === person && r.clip === recording).map((r) => r.frame));
      let name = frameFileName(person, recording, frame);
      // Never overwrite: a file the manifest does not know (copied in by hand) keeps its name.
      while (
        await fs
          .lstat(path.join(dir, name))
          .then(() => true)
          .catch(() => false)
      )
        name = frameFileName(person, recording, ++frame);
      const file = `${label}/${name}`;
      await writeFileAtomic(path.join(dir, name), request.bytes);
      const row: ManifestRow = {
        file,
        label,
        subject: person,
        clip: recording,
        frame,
        source: PAGE_SOURCE,
        sha256: sha256(request.bytes),
      };
      await writeManifest(this.root, [...rows, row]);
      return frameOf(row);
    });
  }

  /** The bytes of a captured frame listed in the manifest. */
  async read(file: string): Promise<Uint8Array> {
    checkFrameFile(file);
    if (!(await this.rows()).some((r) => r.file === file)) throw new CaptureError(`${file} was not captured`, 404);
    const target = path.join(await this.rootDir(), file);
    const stat = await fs.lstat(target).catch(() => undefined);
    if (!stat?.isFile()) throw new CaptureError(`${file} is missing or not a plain file`, 404);
    return fs.readFile(target);
  }

  /** Deletes frames: one file, or every frame of a person's recording. Returns the files deleted. */
  remove(which: { file: string } | { person: string; recording: string }): Promise<string[]> {
    if ('file' in which) checkFrameFile(which.file);
    else {
      checkName('person', which.person);
      checkName('recording', which.recording);
    }
    return this.serial(async () => {
      const root = await this.rootDir();
      const rows = await this.rows();
      const gone = rows.filter((r) =>
        'file' in which ? r.file === which.file : r.subject === which.person && r.clip === which.recording,
      );
      if (gone.length === 0) throw new CaptureError('no such captured frame', 404);
      for (const r of gone) {
        checkFrameFile(r.file);
        const dir = await this.classDir(checkLabel(r.label));
        const target = path.join(dir, path.basename(r.file));
        const stat = await fs.lstat(target).catch(() => undefined);
        if (stat && !stat.isFile()) throw new CaptureError(`${r.file} is not a plain file: not deleting it`, 500);
        await fs.rm(target, { force: true });
        // An empty class folder would stop training ("class folder is empty"): it goes with its last frame.
        await fs.rmdir(dir).catch(() => undefined);
      }
      const left = rows.filter((r) => !gone.includes(r));
      if (left.length > 0) await writeManifest(root, left);
      else await fs.rm(manifestPath(root), { force: true });
      return gone.map((r) => r.file);
    });
  }
}
