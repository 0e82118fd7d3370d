// Chapter 10: playing. The exported models, as the chapters before it left them in models/, drive the
// game over whole held-out recordings (the test split's people): every clip's frames at the page's
// rate through the features each model declares, the head and the decision rule, at the article's thresholds and at the
// models' own, judged per strike and per minute of "other" (eval/play.ts). playRule is the step
// another chapter reuses with its own model's outputs; playingStudy and playingResults are chapter 10.
import type { Recording } from '../data/builtin';
import { readSplit } from '../data/split';
import { TASKS, type Task } from '../data/tasks';
import { ARTICLE_THRESHOLDS, type BodyView, type ModelRule, modelRule } from '../decision';
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

/** The thresholds a model is played with: the article's, or the model's own (chosen in chapter 07). */
export const SETTINGS = ['article', 'chosen'] as const;
export type Setting = (typeof SETTINGS)[number];

export interface PlayedRule {
  rule: ModelRule;
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
): PlayedRule {
  if (outputs.length !== clips.length) throw new Error(`${outputs.length} output arrays for ${clips.length} clips`);
  const actions = clips.map((c, i) => timeline(rule, c.times, outputs[i], views?.[i]));
  const judgements = clips.map((c, i) => judgeClip(c.ranges, actions[i]));
  return { rule, actions, judgements, score: playScore(judgements) };
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

/** The exported models in models/ over the clips, each at the article's thresholds and at its own. */
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
      const played = {
        article: playRule(clips, outputs, modelRule(task, ARTICLE_THRESHOLDS), views),
        chosen: playRule(clips, outputs, metadata, views),
      };
      models[task] = { dir: displayPath(dir), metadata, outputs, played };
      log(`${task}: ${displayPath(dir)} (${metadata.weights}), thresholds ${JSON.stringify(metadata.thresholds)}`);
    } finally {
      classifier.head.dispose();
    }
  }
  return models;
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
      played: Record<Setting, { rule: ModelRule; score: PlayScore; perClip: Record<string, PlayScore> }>;
    }
  >;
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
      score: m.played[s].score,
      perClip: Object.fromEntries(names.map((n, i) => [n, playScore([m.played[s].judgements[i]])])),
    });
    return {
      dir: m.dir,
      weights: m.metadata.weights,
      played: { article: setting('article'), chosen: setting('chosen') },
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
    timelineClip: names[timelineClip(study.clips)],
  };
}
