// Content hashes: the identity of an image (duplicates, manifest checks, cache keys), of a set of
// training examples, of an augmentation's inputs.
import { createHash } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';

/** Hex sha256 of bytes or of a string's UTF-8. */
export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function sha256File(file: string): Promise<string> {
  return sha256(await fs.readFile(file));
}

/**
 * sha256 of a file's bytes, or undefined when it cannot be read. Synchronous on purpose: for the
 * many small images of a dataset it is several times faster than reads through the thread pool.
 */
export function sha256FileSync(file: string): string | undefined {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** The sha256 of each file's bytes as read now (undefined: unreadable); other work runs between chunks. */
export async function hashFiles(files: readonly string[]): Promise<(string | undefined)[]> {
  const hashes: (string | undefined)[] = [];
  for (let i = 0; i < files.length; i++) {
    if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
    hashes.push(sha256FileSync(files[i]));
  }
  return hashes;
}
