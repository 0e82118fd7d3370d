// A 3-way model scored on a folder without kicks (the article's first dataset was punch/ and
// other/ only): its predictions fold to punch / not punch, kick and other both counting as not
// punch, so it is scored on the binary task that folder can answer.
import { TASK_CLASSES } from '../data/tasks';
import { predictedClasses } from './evaluate';

/** Why the scores are binary, for the user. */
export const FOLD_NOTE =
  'the folder has no kick/ frames: the 3-way model is scored as punch / not punch (its kick and other ' +
  'predictions both count as not punch)';

/**
 * A 3-way model's outputs (punch, kick, other) -> binary class indices (not-punch 0, punch 1); a binary
 * model's outputs (`units` 1) are its classes already.
 */
export function foldToPunch(outputs: Float32Array, units = TASK_CLASSES.ternary.length): Int32Array {
  if (units === 1) return predictedClasses(outputs, 1);
  const punch = TASK_CLASSES.ternary.indexOf('punch');
  return Int32Array.from(predictedClasses(outputs, units), (c) => (c === punch ? 1 : 0));
}
