// The article's naming: within each class folder, 1.jpg, 2.jpg, ... N.jpg. The manifest keeps
// subject, clip and frame, so nothing is lost by renaming.
import * as path from 'node:path';
import { CLASSES } from './layout';

/**
 * New file names, `<class>/<n><ext>` with n = 1..N per class, in order of subject, clip, frame
 * and old name. Returns a map from old to new relative name.
 */
export function numberedNames(
  entries: { file: string; label: string; subject: string; clip: string; frame: number }[],
): Map<string, string> {
  const names = new Map<string, string>();
  for (const cls of CLASSES) {
    const members = entries
      .filter((e) => e.label === cls)
      .sort((a, b) => cmp(a.subject, b.subject) || cmp(a.clip, b.clip) || a.frame - b.frame || cmp(a.file, b.file));
    for (const [i, e] of members.entries()) names.set(e.file, `${cls}/${i + 1}${path.extname(e.file).toLowerCase()}`);
  }
  return names;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
