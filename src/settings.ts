// Where the project keeps things. src/ and dist/ both sit one level below the project root.
import * as path from 'node:path';

export const projectRoot = path.resolve(__dirname, '..');
/** Exported classifiers and models/config.json; KOMBAT_MODELS_DIR moves them (the smoke test does). */
export const modelsDir = path.resolve(process.env.KOMBAT_MODELS_DIR ?? path.join(projectRoot, 'models'));
/** Generated datasets; KOMBAT_DATA_DIR moves them (the notebook smoke test uses a scratch folder). */
export const dataDir = path.resolve(process.env.KOMBAT_DATA_DIR ?? path.join(projectRoot, 'data'));
/** Figures, tables and the results page; KOMBAT_REPORTS_DIR moves them likewise. */
export const reportsDir = path.resolve(process.env.KOMBAT_REPORTS_DIR ?? path.join(projectRoot, 'reports'));
/** True for the notebook smoke test: tiny data, few epochs. */
export const smoke = process.env.KOMBAT_SMOKE === '1';
/** Download cache for MobileNet (not committed); stays put when KOMBAT_MODELS_DIR moves the rest. */
export const mobilenetCacheDir = path.join(projectRoot, 'models', 'mobilenet');

/** A path relative to the project root when it lies inside it, for messages and manifests. */
export function displayPath(p: string): string {
  const rel = path.relative(projectRoot, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
