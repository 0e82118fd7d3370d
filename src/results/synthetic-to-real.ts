// Chapter 09: from synthetic people to real ones. Every candidate way of seeing a frame (transfer/
// methods.ts) trained on synthetic frames only, scored on the synthetic test split, on the
// webcam-style renders' held-out people (whole and as a webcam frames them) and, where real frames
// exist, once on those; the rule's choice; the default models it exported; and what the detector
// sees on each kind of frame (the diagnosis).
import type { Task } from '../data/tasks';
import type { ModelRule } from '../decision';
import type { Metrics } from '../eval/metrics';
import type { WeightFormat } from '../export/quantise';
import type { FramingSettings } from '../features/framings';
import { type DeclaredFeatures, featureLabel } from '../features/kinds';
import type { TrainRun } from '../train/run';
import type { Method, MethodId } from '../transfer/methods';
import type { RealGameShares } from '../transfer/real';
import type { MethodChoice } from '../transfer/rule';
import type { FramesScore } from '../transfer/score';
import type { StrikeBreakdown, StrikeCounts, StrikeGame, StrikeSeen } from '../transfer/strikes';
import type { Spread } from '../util/stats';
import { type BaseInput, type ResultsBase, resultsBase } from './common';

/** Punch vs. not punch on a set of frames. */
export interface PunchScore {
  balancedAccuracy: number;
  /** Rows: not punch, punch. */
  confusionMatrix: number[][];
}

export interface RealScore extends PunchScore {
  accuracy: number;
  perClass: Metrics['perClass'];
  /** Per recording subject (a room of the real frames). */
  bySubject: Record<string, PunchScore>;
}

export interface MethodRow {
  id: MethodId;
  title: string;
  task: Task;
  /** 1: the first round's candidates; 2: those pre-registered after it; 5: the fifth round's. */
  round: 1 | 2 | 5;
  /** featureLabel of its features. */
  features: string;
  framing: FramingSettings | null;
  trainRows: number;
  epochs: { trained: number; best: number };
  /** Accuracy on the built-in validation and test splits (3-way; binary for the punch-only method). */
  synthetic: { val: number; test: number; testConfusion: number[][] };
  webcamTest: PunchScore;
  /** The same people cut off as a webcam frames them (pose methods only). */
  webcamTestFramed: (PunchScore & { framings: number }) | null;
  /** Absent without real frames. */
  real?: RealScore;
  /** Decoded pixels to the head's output, one frame at a time. */
  msPerFrame?: Spread & { frames: number };
  seconds: TrainRun['seconds'];
}

export interface ShippedDefault {
  /** Relative to the project. */
  dir: string;
  format: WeightFormat;
  weightBytes: number;
  thresholds: ModelRule['thresholds'];
  features: DeclaredFeatures;
  syntheticTest: number;
  /**
   * The game's rule on the real frames, each source video's frames in order: punch frames that fire a punch,
   * other frames that fire anything; `held`, the same with the hold issue 12's fourth round tried.
   */
  real?: PunchScore &
    Omit<RealGameShares, 'hold'> & {
      held: RealGameShares;
      /** The same split by what the punch frames show (null without annotations): each prediction, and held. */
      byStrike: { each: StrikeGame; held: StrikeGame } | null;
    };
}

/** The rule's choice on real frames, or without them the one recorded in models/config.json (or the default). */
export type ChapterChoice = (MethodChoice & { by: 'rule' }) | { id: MethodId; by: 'recorded' | 'default' };

export interface SyntheticToRealResults extends ResultsBase<'09-synthetic-to-real'> {
  rule: string;
  realFrames: { name: string; frames: number; punch: number } | null;
  webcam: { dir: string; counts: Record<string, Record<string, number>>; recordings: number };
  /** Mean keypoint confidence on a few built-in test frames with one and two looks. */
  keypoints: { onePassMeanScore: number; twoPassMeanScore: number };
  methods: MethodRow[];
  secondRound: { methods: MethodId[]; framing: FramingSettings; framedTest: FramingSettings };
  choice: ChapterChoice;
  exported: Partial<Record<Task, ShippedDefault>>;
  diagnosis: {
    /** Per kind of frame, the share of frames with each body part seen. */
    visibility: Record<string, Record<string, number>>;
    /** Per method shown, per "<room> <label>", how many real frames it calls each class. */
    predictions: Record<string, Record<string, Record<string, number>>>;
    /** Share of frames with both fists near the shoulders, per "<frames> <label>". */
    foreshortened: Record<string, number>;
    /**
     * What the real punch frames show (annotations/<folder>-strikes.csv) and each method's punch calls split
     * by it; null without real frames or without annotations for them.
     */
    strikes:
      | (StrikeCounts & {
          file: string;
          /** Per annotation, the share of frames with a wrist away from its shoulder in MoveNet's keypoints. */
          armOutIn2d: Record<StrikeSeen, number>;
          methods: Record<string, StrikeBreakdown>;
        })
      | null;
  };
}

const punchScore = (m: Metrics): PunchScore => ({
  balancedAccuracy: m.balancedAccuracy,
  confusionMatrix: m.confusionMatrix,
});

/** A method's row from its run and its scores on the webcam renders (whole, and framed where it applies). */
export function methodRow(
  method: Method,
  run: TrainRun,
  scores: { webcam: FramesScore; framed?: FramesScore & { framings: number }; round: 1 | 2 | 5 },
): MethodRow {
  const { featureSize: _size, ...features } = run.features;
  return {
    id: method.id,
    title: method.title,
    task: method.task,
    round: scores.round,
    features: featureLabel(features),
    framing: method.framing ?? null,
    trainRows: run.data.train.y.length,
    epochs: { trained: run.history.length, best: run.bestEpoch },
    synthetic: {
      val: run.metrics.val.accuracy,
      test: run.metrics.test.accuracy,
      testConfusion: run.metrics.test.confusionMatrix,
    },
    webcamTest: punchScore(scores.webcam.metrics),
    webcamTestFramed: scores.framed ? { ...punchScore(scores.framed.metrics), framings: scores.framed.framings } : null,
    seconds: run.seconds,
  };
}

/** A method's score on the real frames, overall and per room. */
export function realScore(metrics: Metrics, bySubject: Record<string, Metrics>): RealScore {
  return {
    ...punchScore(metrics),
    accuracy: metrics.accuracy,
    perClass: metrics.perClass,
    bySubject: Object.fromEntries(Object.entries(bySubject).map(([k, v]) => [k, punchScore(v)])),
  };
}

export function syntheticToRealResults(
  input: BaseInput & Omit<SyntheticToRealResults, keyof ResultsBase<'09-synthetic-to-real'>>,
): SyntheticToRealResults {
  const { environment, started, parts, figures, ...rest } = input;
  return { ...resultsBase('09-synthetic-to-real', { environment, started, parts, figures }), ...rest };
}
