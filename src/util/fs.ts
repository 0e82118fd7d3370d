// Writes that never leave a half-written file or folder under the final name:
// write to a temporary sibling, then rename (atomic on one filesystem).
import { promises as fs, mkdirSync } from 'node:fs';
import * as path from 'node:path';

export function temporarySibling(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${Date.now().toString(36)}`);
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
