// Writing a dataset folder from chosen entries of another (or the same) one, atomically: the new
// folder is filled under a temporary name and renamed over the target only when complete, so a
// failure leaves the previous dataset as it was.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { mapLimit } from '../pool/limit';
import { exists, type OutputRule, writeDirAtomic } from '../util/fs';
import { type DatasetEntry, NON_CLASS_FOLDERS, sortEntries } from './entries';
import { CLASSES, DATASET } from './layout';
import { writeManifest } from './manifest';
import { numberedNames } from './number';
import { type Split, writeSplit } from './split';

export interface WriteDatasetOptions {
  /** Rename to 1..N per class (the article's convention). */
  number?: boolean;
  /** Also write split.json. */
  split?: Split;
  /** Extra files to put in the folder, name -> content. */
  extra?: Record<string, string>;
  /**
   * Which existing `target` may be replaced. Default: the source itself (a rewrite in place), else
   * only a new or empty folder (with force, any folder not holding a dataset).
   */
  output?: OutputRule;
  force?: boolean;
}

/**
 * Copies `entries` (relative to `sourceDir`) into a fresh `target`: class folders, manifest.csv,
 * optionally split.json. `target` may equal `sourceDir` (rewrite in place). Returns the entries as
 * written (new names where numbered).
 */
export async function writeDataset(
  sourceDir: string,
  target: string,
  entries: DatasetEntry[],
  options: WriteDatasetOptions = {},
): Promise<DatasetEntry[]> {
  const names = options.number ? numberedNames(entries) : undefined;
  const written = sortEntries(entries.map((e) => ({ ...e, file: names?.get(e.file) ?? e.file, tracked: true })));
  const inPlace = path.resolve(sourceDir) === path.resolve(target);
  const output = options.output ?? (inPlace ? { kind: DATASET } : { force: options.force, protect: [DATASET] });
  await writeDirAtomic(
    target,
    async (tmp) => {
      for (const cls of CLASSES) await fs.mkdir(path.join(tmp, cls));
      await mapLimit(entries, 8, (e) =>
        fs.copyFile(path.join(sourceDir, e.file), path.join(tmp, names?.get(e.file) ?? e.file)),
      );
      await writeManifest(
        tmp,
        written.map(({ file, label, subject, clip, frame, source, sha256 }) => ({
          file,
          label,
          subject,
          clip,
          frame,
          source,
          sha256,
        })),
      );
      if (options.split) await writeSplit(tmp, options.split);
      // Rewriting in place keeps the frames nobody has labelled yet.
      if (inPlace) {
        for (const folder of NON_CLASS_FOLDERS) {
          const from = path.join(sourceDir, folder);
          if (await exists(from)) await fs.cp(from, path.join(tmp, folder), { recursive: true });
        }
      }
      for (const [name, content] of Object.entries(options.extra ?? {}))
        await fs.writeFile(path.join(tmp, name), content);
    },
    output,
  );
  return written;
}
