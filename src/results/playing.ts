// Chapter 10: playing. The exported models, as the chapters before it left them in models/, drive the
// game over whole held-out recordings (the test split's people): every clip's frames at the page's
// rate through the features each model declares, the head and the decision rule: the article's thresholds, the
// models' own (the page's rule), and those with the hold issue 12's fourth round tried (two predictions in a
// row), judged per strike and per minute of "other" (eval/play.ts). playRule is the step
// another chapter reuses with its own model's outputs; playingStudy and playingResults are chapter 10.
import type { Recording } from '../data/builtin';
import { readSplit } from '../data/split';
import { TASKS, type Task } from '../data/tasks';
import { ARTICLE_THRESHOLDS, type BodyView, type ModelRule, modelRule, TRIED_HOLD } from '../decision';
import { type ClipFrames, clipFrames } from '../eval/clips';
import { type FileOutputs, fileOutputs } from '../eval/folder';
import {
  type ClipJudgement,
  judgeClip,
  PLAY_FPS,
  type PlayScore,
  playScore,
  STRIKE_KINDS,
  type StrikeKind,
  type TimedAction,
  timeline,
} from '../eval/play';
import { finalModelDir, loadClassifier } from '../export/classifier';
import type { CheckedMetadata } from '../export/metadata';
import { displayPath } from '../settings';
import { type BaseInput, type ResultsBase, resultsBase } from './common';

/**
 * How a model is played: `article`, the article's thresholds; `chosen`, the model's own (chosen on
 * validation), the page's rule; both act on each prediction. `held`: the chosen thresholds with the hold
 * issue 12's fourth round tried (TRIED_HOLD predictions in a row; not kept).
 */
export const SETTINGS = ['article', 'chosen', 'held'] as const;
export type Setting = (typeof SETTINGS)[number];

export interface PlayedRule {
  rule: ModelRule;
  /** Predictions in a row an action needed (1: none). */
  hold: number;
  /** Per clip, in the order given: the action on every frame and the judgement. */
  actions: TimedAction[][];
  judgements: ClipJudgement[];
  score: PlayScore;
}

/**
 * One rule over clips whose per-frame outputs are known (`outputs[i]` for `clips[i]`, one row per
 * frame), with each frame's body view where the model's features come from a detector (`views[i]`).
 */
export function playRule(
  clips: readonly ClipFrames[],
  outputs: readonly Float32Array[],
  rule: ModelRule,
  views?: readonly (readonly BodyView[])[],
  hold = 1,
): PlayedRule {
  if (outputs.length !== clips.length) throw new Error(`${outputs.length} output arrays for ${clips.length} clips`);
  const actions = clips.map((c, i) => timeline(rule, c.times, outputs[i], views?.[i], hold));
  const judgements = clips.map((c, i) => judgeClip(c.ranges, actions[i]));
  return { rule, hold, actions, judgements, score: playScore(judgements) };
}

export interface PlayedModel {
  /** The model folder, relative to the project. */
  dir: string;
  metadata: CheckedMetadata;
  /** Per clip: the model's outputs on every frame. */
  outputs: Float32Array[];
  played: Record<Setting, PlayedRule>;
}

export interface PlayingStudy {
  subjects: string[];
  clips: ClipFrames[];
  models: Record<Task, PlayedModel>;
}

/** The recordings of the dataset's test-split people (the same people chapter 07 tested on). */
export async function heldOutRecordings(recordings: readonly Recording[], datasetDir: string): Promise<Recording[]> {
  const { test } = await readSplit(datasetDir);
  const held = recordings.filter((r) => test.includes(r.subject));
  if (held.length === 0) {
    throw new Error(`no recording of the test split's people (${test.join(', ')}) among ${recordings.length}`);
  }
  return held;
}

/** The exported models in models/ over the clips, each played in every Setting. */
export async function playExportedModels(
  clips: readonly ClipFrames[],
  log: (line: string) => void = () => {},
): Promise<Record<Task, PlayedModel>> {
  const models = {} as Record<Task, PlayedModel>;
  for (const task of TASKS) {
    const dir = finalModelDir(task);
    const classifier = await loadClassifier(dir);
    try {
      const scored: FileOutputs[] = [];
      for (const c of clips) scored.push(await fileOutputs(classifier, c.files));
      const outputs = scored.map((s) => s.outputs);
      const views = scored.every((s) => s.views) ? scored.map((s) => s.views as BodyView[]) : undefined;
      const { metadata } = classifier;
      const played: Record<Setting, PlayedRule> = {
        article: playRule(clips, outputs, modelRule(task, ARTICLE_THRESHOLDS), views),
        chosen: playRule(clips, outputs, metadata, views),
        held: playRule(clips, outputs, metadata, views, TRIED_HOLD),
      };
      models[task] = { dir: displayPath(dir), metadata, outputs, played };
      log(`${task}: ${displayPath(dir)} (${metadata.weights}), thresholds ${JSON.stringify(metadata.thresholds)}`);
    } finally {
      classifier.head.dispose();
    }
  }
  return models;
}

/** What issue 12's fourth round may cost (README, registered before it was measured): answered strikes and delay. */
export const HOLD_LIMITS = { punchPoints: 0.02, kickPoints: 0.05, delaySeconds: 0.1 };

export interface HoldCheck {
  /** Without the hold (`chosen`, the page's rule) and with it (`held`). */
  punchAnswered: { chosen: number; held: number };
  /** 3-way models only: a binary model answers no kick either way. */
  kickAnswered?: { chosen: number; held: number };
  /** Median delay over every answered strike, seconds (null: none answered). */
  medianDelay: { chosen: number | null; held: number | null };
  /** Within HOLD_LIMITS. The hold was to be kept if every default model was. */
  kept: boolean;
}

/** The fourth round's registered check for one model: its own thresholds without the hold and with it. */
export function holdCheck(task: Task, chosen: PlayScore, held: PlayScore): HoldCheck {
  const pair = (f: (s: PlayScore) => number) => ({ chosen: f(chosen), held: f(held) });
  const punchAnswered = pair((s) => s.strikes.punch.answeredRate);
  const kickAnswered = task === 'ternary' ? pair((s) => s.strikes.kick.answeredRate) : undefined;
  const delay = (s: PlayScore) => s.strikes.all.delay?.median ?? null;
  const medianDelay = { chosen: delay(chosen), held: delay(held) };
  // Tolerances in floating point: a share of 24 strikes moves in steps of 1/24.
  const lostAtMost = (p: { chosen: number; held: number }, limit: number) => p.chosen - p.held <= limit + 1e-9;
  const kept =
    lostAtMost(punchAnswered, HOLD_LIMITS.punchPoints) &&
    (kickAnswered === undefined || lostAtMost(kickAnswered, HOLD_LIMITS.kickPoints)) &&
    (medianDelay.chosen === null ||
      (medianDelay.held !== null && medianDelay.held - medianDelay.chosen <= HOLD_LIMITS.delaySeconds + 1e-9));
  return { punchAnswered, ...(kickAnswered ? { kickAnswered } : {}), medianDelay, kept };
}

/** Chapter 10's measurements: the held-out recordings' frames, played by both exported models. */
export async function playingStudy(input: {
  recordings: readonly Recording[];
  datasetDir: string;
  log?: (line: string) => void;
}): Promise<PlayingStudy> {
  const log = input.log ?? (() => {});
  const held = await heldOutRecordings(input.recordings, input.datasetDir);
  const clips: ClipFrames[] = [];
  for (const r of held) clips.push(await clipFrames(r));
  log(`${clips.length} clips, ${clips.reduce((n, c) => n + c.files.length, 0)} frames at ${PLAY_FPS} per second`);
  return { subjects: [...new Set(held.map((r) => r.subject))], clips, models: await playExportedModels(clips, log) };
}

/** The clip the timeline figure shows: the first held-out clip (by name) with both punches and kicks. */
export function timelineClip(clips: readonly ClipFrames[]): number {
  const kinds = (c: ClipFrames) => new Set(c.ranges.map((r) => r.label));
  const both = clips.findIndex((c) => kinds(c).has('punch') && kinds(c).has('kick'));
  return Math.max(0, both);
}

export const clipName = (c: ClipFrames) => `${c.recording.subject}_${c.recording.clip}`;

export interface PlayingResults extends ResultsBase<'10-playing'> {
  fps: number;
  /** The test split's people, whose recordings were played. */
  subjects: string[];
  clips: { name: string; seconds: number; frames: number; strikes: Record<StrikeKind, number> }[];
  /** How each number is counted. */
  definitions: string[];
  models: Record<
    Task,
    {
      dir: string;
      weights: CheckedMetadata['weights'];
      played: Record<Setting, { rule: ModelRule; hold: number; score: PlayScore; perClip: Record<string, PlayScore> }>;
    }
  >;
  /** Issue 12's fourth round: each model without the hold and with it, and whether it passed. */
  holdCheck: Record<Task, HoldCheck>;
  /** The clip drawn as a timeline. */
  timelineClip: string;
}

export const PLAYING_DEFINITIONS = [
  `each clip's frames are taken at ${PLAY_FPS} per second (the page's one prediction per 100 ms); frame n shows ` +
    `n / ${PLAY_FPS} s`,
  'a strike is a punch or kick label range; its movement adds the ambiguous wind-up and return that touch it',
  "hit: the strike's action fires on a frame inside the labelled strike",
  'answered: it fires anywhere in the movement; delay: from the first frame inside the strike to the first ' +
    'right action in the movement (negative: in the wind-up)',
  'wrong actions: the other action fired during the movement (a binary model cannot kick: every kick strike is ' +
    'missed, and its punches there are wrong)',
  'hold: an action fires once the rule has given it on that many predictions in a row (1: each prediction on its ' +
    `own, as the article and the page; ${TRIED_HOLD}: the hold issue 12's fourth round tried)`,
  'actions per minute of "other": punches and kicks fired in time labelled "other" (one per frame, as the page ' +
    'calls the game), per minute of it; moves per minute: the runs of them that start there (the frame before ' +
    'fired something else), the moves the fighter starts by itself',
];

export function playingResults(input: BaseInput & { study: PlayingStudy }): PlayingResults {
  const { study } = input;
  const names = study.clips.map(clipName);
  const count = (c: ClipFrames, kind: StrikeKind) => c.ranges.filter((r) => r.label === kind).length;
  const model = (task: Task) => {
    const m = study.models[task];
    const setting = (s: Setting) => ({
      rule: m.played[s].rule,
      hold: m.played[s].hold,
      score: m.played[s].score,
      perClip: Object.fromEntries(names.map((n, i) => [n, playScore([m.played[s].judgements[i]])])),
    });
    return {
      dir: m.dir,
      weights: m.metadata.weights,
      played: Object.fromEntries(SETTINGS.map((s) => [s, setting(s)])) as Record<Setting, ReturnType<typeof setting>>,
    };
  };
  return {
    ...resultsBase('10-playing', input),
    fps: PLAY_FPS,
    subjects: study.subjects,
    clips: study.clips.map((c, i) => ({
      name: names[i],
      seconds: study.models.ternary.played.chosen.judgements[i].seconds,
      frames: c.files.length,
      strikes: Object.fromEntries(STRIKE_KINDS.map((k) => [k, count(c, k)])) as Record<StrikeKind, number>,
    })),
    definitions: PLAYING_DEFINITIONS,
    models: { ternary: model('ternary'), binary: model('binary') },
    holdCheck: Object.fromEntries(
      TASKS.map((task) => {
        const { chosen, held } = study.models[task].played;
        return [task, holdCheck(task, chosen.score, held.score)];
      }),
    ) as Record<Task, HoldCheck>,
    timelineClip: names[timelineClip(study.clips)],
  };
}
