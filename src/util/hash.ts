// Content hashes: the identity of an image (duplicates, manifest checks, cache keys), of a set of
// training examples, of an augmentation's inputs.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

/** Hex sha256 of bytes or of a string's UTF-8. */
export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function sha256File(file: string): Promise<string> {
  return sha256(await fs.readFile(file));
}
