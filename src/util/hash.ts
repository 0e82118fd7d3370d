// Content hashes: the identity of an image for duplicate detection and manifest checks.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function sha256File(file: string): Promise<string> {
  return sha256(await fs.readFile(file));
}
