// Where the project keeps things. src/ and dist/ both sit one level below the project root.
import * as path from 'path';

export const projectRoot = path.resolve(__dirname, '..');
export const modelsDir = path.join(projectRoot, 'models');
export const dataDir = path.join(projectRoot, 'data');
export const reportsDir = path.join(projectRoot, 'reports');
/** Download cache for MobileNet (not committed). */
export const mobilenetCacheDir = path.join(modelsDir, 'mobilenet');

/** A path relative to the project root when it lies inside it, for messages and manifests. */
export function displayPath(p: string): string {
  const rel = path.relative(projectRoot, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
