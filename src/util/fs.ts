// Writes that never leave a half-written file or folder under the final name:
// write to a temporary sibling, then rename (atomic on one filesystem).
import { existsSync, promises as fs, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/** The name prefix of this process's temporary siblings of `target`. */
function temporaryPrefix(target: string): string {
  return `.${path.basename(target)}.tmp-${process.pid}-`;
}

export function temporarySibling(target: string): string {
  return path.join(path.dirname(target), `${temporaryPrefix(target)}${Date.now().toString(36)}`);
}

/**
 * After an exit in the middle of writeDirAtomic (a second Ctrl-C): removes this process's temporary
 * siblings of `target`, and puts back an old folder that was moved aside for the final rename.
 * Synchronous, for signal handlers.
 */
export function recoverTemporaries(target: string): void {
  const prefix = temporaryPrefix(target);
  const parent = path.dirname(target);
  let names: string[];
  try {
    names = readdirSync(parent).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const name of names) {
    const p = path.join(parent, name);
    if (name.endsWith('.old') && !existsSync(target)) renameSync(p, target);
    else rmSync(p, { recursive: true, force: true });
  }
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = temporarySibling(target);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Fills a fresh temporary folder with `fill`, then renames it to `target`, replacing an old one.
 * On any error the temporary folder is removed and `target` is left as it was.
 */
export async function writeDirAtomic(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = temporarySibling(target);
  // Synchronous, so that a signal handler cleaning up temporaries never races a pending mkdir.
  mkdirSync(tmp);
  try {
    await fill(tmp);
    const old = `${tmp}.old`;
    const hadOld = await fs.rename(target, old).then(
      () => true,
      () => false,
    );
    await fs.rename(tmp, target);
    if (hadOld) await fs.rm(old, { recursive: true, force: true });
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

export async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

/** The parsed JSON of `file`, or undefined when there is no such file; other errors name the file. */
export async function readJsonIfPresent<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Total bytes of the files directly in `dir` (a model folder: model.json, weights, metadata). */
export async function folderBytes(dir: string): Promise<number> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const sizes = await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => fs.stat(path.join(dir, e.name)).then((s) => s.size)),
  );
  return sizes.reduce((a, b) => a + b, 0);
}
