// Labelled feature matrices per split for any feature kind: what ./sets.ts does for whole-frame
// MobileNet, for the kinds with a detector too. Their features come from MoveNet, which
// needs a person large enough to see: the augmented variants (100x56 pixels) are left out, and the
// pose kind gets left-right mirrored copies of the training frames instead (a punch with the other
// hand is still a punch), made by flipping the keypoints, and, where asked, webcam framings of the
// training frames (./framings.ts): each cut where a laptop camera might cut the person off.
import type { SplitName } from '../data/split';
import { labelIndex, TASK_CLASSES, type Task } from '../data/tasks';
import { describePose } from '../pose/descriptor';
import { showsRaisedFoot } from '../pose/framing';
import { KEYPOINT_ROW, keypointsAt, mirrorKeypoints } from '../pose/keypoints';
import { frameFeatures } from './frames';
import { type FramingSettings, framedKeypoints } from './framings';
import { type FrameFeatures, featureParts, type PoseFeatures } from './kinds';
import { type Example, type ExampleSet, type FeatureSet, type SplitFeatures, splitFeatures } from './sets';
import { extractorFor } from './spec';

/** Mirrored copies apply where every part is the pose descriptor. */
export function canMirror(spec: FrameFeatures): boolean {
  return featureParts(spec).every((p) => p.kind === 'pose');
}

export interface FrameSetOptions {
  onBatch?: (done: number, total: number) => void;
  /** Include augmented variants (whole-frame MobileNet only; default true). */
  includeAugmented?: boolean;
  /** Add mirrored copies of the training frames (pose only; default: canMirror(spec)). */
  mirrorTrain?: boolean;
  /** Add webcam framings of the training frames (pose only; mirrored too where mirrorTrain). */
  framing?: FramingSettings;
}

export async function frameSplitFeatures(
  spec: FrameFeatures,
  set: ExampleSet,
  task: Task,
  options: FrameSetOptions = {},
): Promise<SplitFeatures> {
  if (spec.kind === 'mobilenet')
    return splitFeatures(await extractorFor(spec), set, task, {
      onBatch: options.onBatch,
      includeAugmented: options.includeAugmented,
    });
  const examples = set.examples.filter((e) => !e.augmented);
  const files = examples.map((e) => e.file);
  const result = await frameFeatures(spec, files, { onBatch: options.onBatch });
  if (result.failed.length > 0)
    throw new Error(`cannot read ${result.failed.length} image(s): ${result.failed[0].message}`);
  const mirror = options.mirrorTrain ?? canMirror(spec);
  if (mirror && !canMirror(spec)) throw new Error('mirrored copies exist only for the pose kind');
  const train = examples.filter((e) => e.split === 'train');
  const mirrored = mirror
    ? await frameFeatures(
        spec,
        train.map((e) => e.file),
        { mirrored: true },
      )
    : undefined;
  if (options.framing && spec.kind !== 'pose') throw new Error('webcam framings exist only for the pose kind');
  const framed =
    options.framing && spec.kind === 'pose' && result.keypoints
      ? await framedRows(spec, train, result.keypoints, examples, options.framing, mirror)
      : undefined;
  const d = result.featureSize;
  const bySplit = (name: SplitName): [FeatureSet, Example[]] => {
    const rows: Float32Array[] = [];
    const kept: Example[] = [];
    examples.forEach((e, i) => {
      if (e.split !== name) return;
      rows.push(result.features.subarray(i * d, (i + 1) * d));
      kept.push(e);
    });
    if (name === 'train' && mirrored) {
      train.forEach((e, i) => {
        rows.push(mirrored.features.subarray(i * d, (i + 1) * d));
        kept.push({ ...e, augmented: true });
      });
    }
    if (name === 'train' && framed) {
      framed.rows.forEach((r, i) => {
        rows.push(r);
        kept.push({ ...framed.examples[i], augmented: true });
      });
    }
    const x = new Float32Array(rows.length * d);
    for (const [i, r] of rows.entries()) x.set(r, i * d);
    const y = Int32Array.from(kept, (e) => labelIndex(task, e.label));
    return [{ x, featureSize: d, y, classes: TASK_CLASSES[task] }, kept];
  };
  const [trainSet, trainRows] = bySplit('train');
  const [val, valRows] = bySplit('val');
  const [test, testRows] = bySplit('test');
  return { train: trainSet, val, test, rows: { train: trainRows, val: valRows, test: testRows } };
}

/** Descriptor rows of the webcam framings of the training frames (and their mirror images). */
async function framedRows(
  spec: PoseFeatures,
  train: Example[],
  keypoints: Float32Array,
  examples: Example[],
  settings: FramingSettings,
  mirror: boolean,
): Promise<{ rows: Float32Array[]; examples: Example[] }> {
  const index = new Map(examples.map((e, i) => [e, i]));
  const whole = new Float32Array(train.length * KEYPOINT_ROW);
  train.forEach((e, i) => {
    const at = index.get(e) ?? -1;
    whole.set(keypoints.subarray(at * KEYPOINT_ROW, (at + 1) * KEYPOINT_ROW), i * KEYPOINT_ROW);
  });
  const f = await framedKeypoints(
    spec,
    train.map((e) => e.file),
    whole,
    settings,
    {
      keep: (i, box) => train[i].label !== 'kick' || showsRaisedFoot(keypointsAt(whole, i), box),
    },
  );
  const rows: Float32Array[] = [];
  const kept: Example[] = [];
  f.source.forEach((src, j) => {
    const k = keypointsAt(f.keypoints, j);
    for (const body of mirror ? [k, mirrorKeypoints(k)] : [k]) {
      rows.push(describePose(body, spec.descriptor));
      kept.push(train[src]);
    }
  });
  return { rows, examples: kept };
}
