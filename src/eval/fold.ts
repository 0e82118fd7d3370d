// A 3-way model scored on a folder without kicks (the article's first dataset was punch/ and
// other/ only): its predictions fold to punch / not punch, kick and other both counting as not
// punch, so it is scored on the binary task that folder can answer.
import { TASK_CLASSES } from '../data/tasks';
import { predictedClasses } from './evaluate';

/** Why the scores are binary, for the user. */
export const FOLD_NOTE =
  'the folder has no kick/ frames: the 3-way model is scored as punch / not punch (its kick and other ' +
  'predictions both count as not punch)';

/** A 3-way model's outputs (punch, kick, other) -> binary class indices (not-punch 0, punch 1). */
export function foldToPunch(outputs: Float32Array): Int32Array {
  const punch = TASK_CLASSES.ternary.indexOf('punch');
  return Int32Array.from(predictedClasses(outputs, TASK_CLASSES.ternary.length), (c) => (c === punch ? 1 : 0));
}
