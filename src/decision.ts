// The game's decision rule, exactly as the article wrote it: turn one frame's class probabilities
// into an action. Browser-safe (no Node imports): the page and every evaluation use these functions.
// One addition for models whose features come from a body detector (issue 12's third round, README):
// a kick cannot be seen in a frame that shows no leg, so where the detector saw none the rule reads
// the kick probability as 0. Models on pixels alone know nothing of legs and are judged as before.
// Issue 12's fourth round tried one more over a stream of predictions, an action firing only once
// the rule has given it on TRIED_HOLD predictions in a row; it was not kept (chapter 10, README), and
// `held` replays a stream with it for the chapters' comparison. The page acts on each prediction
// unless the player asks for the hold (Hold).

export type Action = 'punch' | 'kick' | 'none';

/** The 3-way model's thresholds. */
export interface TernaryThresholds {
  /** No action at all when the model gives "other" at least this (article: 0.4). */
  other: number;
  /** A punch or kick must reach this and beat the other action (article: 0.35). */
  action: number;
}

/** The binary model's threshold. */
export interface BinaryThresholds {
  /** Punch when the one output (the probability of punch) reaches this (article: 0.4). */
  punch: number;
}

/** The thresholds of each model (keys are the tasks of data/tasks.ts). */
export interface ThresholdsByTask {
  ternary: TernaryThresholds;
  binary: BinaryThresholds;
}

export const ARTICLE_THRESHOLDS: ThresholdsByTask = {
  ternary: { other: 0.4, action: 0.35 },
  binary: { punch: 0.4 },
};

export interface Probabilities {
  punch: number;
  kick: number;
  other: number;
}

/** What a body detector saw of the player in a frame (models on keypoints); undefined where none looked. */
export interface BodyView {
  /** A leg is in the picture: its knee and its ankle were both found. */
  legSeen: boolean;
}

/**
 * The article's 3-way rule: "other" vetoes first; then the likelier of kick and punch, if it is sure
 * enough. With a view that shows no leg, the kick probability counts as 0.
 */
export function decide(p: Probabilities, t: TernaryThresholds = ARTICLE_THRESHOLDS.ternary, view?: BodyView): Action {
  const kick = view && !view.legSeen ? 0 : p.kick;
  if (p.other >= t.other) return 'none';
  if (kick > p.punch && kick >= t.action) return 'kick';
  if (p.punch > kick && p.punch >= t.action) return 'punch';
  return 'none';
}

/** The article's binary rule: punch when the one output reaches the threshold, else nothing. */
export function decideBinary(punch: number, t: BinaryThresholds = ARTICLE_THRESHOLDS.binary): Action {
  return punch >= t.punch ? 'punch' : 'none';
}

const NAMES: { [T in keyof ThresholdsByTask]: readonly (keyof ThresholdsByTask[T])[] } = {
  ternary: ['other', 'action'],
  binary: ['punch'],
};

/**
 * A model's thresholds read from JSON (metadata.json, config.json), checked: each named field a
 * number in [0, 1]. Files written before the rule followed the article hold `{any, action}`: for a
 * binary model `any` was already its punch threshold and is read as such; a 3-way pair belonged to
 * another rule (no action unless *some* class reached `any`) and is refused with what to do.
 */
export function parseThresholds<T extends keyof ThresholdsByTask>(
  task: T,
  value: unknown,
  where: string,
): ThresholdsByTask[T] {
  const fields = NAMES[task] as readonly string[];
  const shape = `{${fields.map((f) => `"${f}": number`).join(', ')}}`;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: "thresholds" must be an object ${shape}, got ${JSON.stringify(value)}`);
  }
  const t = value as Record<string, unknown>;
  if ('any' in t && !('other' in t) && !('punch' in t)) {
    if (task === 'binary') return parseThresholds(task, { punch: t.any }, where);
    throw new Error(
      `${where}: "thresholds" ${JSON.stringify(value)} belong to an earlier decision rule (no action unless some ` +
        `class reached "any"); the article's rule needs ${shape}: choose them again (chapter 07) or set the ` +
        `article's ${JSON.stringify(ARTICLE_THRESHOLDS.ternary)}`,
    );
  }
  for (const f of fields) {
    const v = t[f];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new Error(`${where}: "thresholds.${f}" must be a number from 0 to 1 (${shape}), got ${JSON.stringify(v)}`);
    }
  }
  return Object.fromEntries(fields.map((f) => [f, t[f]])) as unknown as ThresholdsByTask[T];
}

/** A model's decision rule: its task picks the rule, and the thresholds are that rule's. */
export type ModelRule =
  | { task: 'ternary'; thresholds: TernaryThresholds }
  | { task: 'binary'; thresholds: BinaryThresholds };

/** The rule of a model of `task`, with its thresholds taken from a set for both tasks. */
export function modelRule(task: keyof ThresholdsByTask, thresholds: ThresholdsByTask): ModelRule {
  return task === 'ternary' ? { task, thresholds: thresholds.ternary } : { task, thresholds: thresholds.binary };
}

/** One frame's action from a model's raw outputs: [punch, kick, other] (3-way) or [punch] (binary). */
export function decideOutputs(rule: ModelRule, outputs: ArrayLike<number>, view?: BodyView): Action {
  if (rule.task === 'binary') return decideBinary(outputs[0], rule.thresholds);
  return decide({ punch: outputs[0], kick: outputs[1], other: outputs[2] }, rule.thresholds, view);
}

/**
 * The hold issue 12's fourth round tried: predictions in a row that must give the same action before
 * it fires. A single frame can be ambiguous (a guard held at the camera looks like a punch), while a
 * strike lasts several predictions; the price is one prediction of latency, and strikes the model sees
 * on one frame only.
 */
export const TRIED_HOLD = 2;

/**
 * The rule over a stream with a hold: `next` takes each prediction's action and returns the one to
 * fire, once it has come on `predictions` in a row (1: each prediction's own action, the page's
 * default); it fires on every prediction of its run from then on.
 */
export class Hold {
  private last: Action = 'none';
  private run = 0;

  constructor(readonly predictions: number) {
    if (!Number.isInteger(predictions) || predictions < 1)
      throw new Error(`a hold must be a whole number of predictions >= 1, got ${predictions}`);
  }

  next(action: Action): Action {
    this.run = action === this.last ? this.run + 1 : 1;
    this.last = action;
    return this.run >= this.predictions ? action : 'none';
  }
}

/** The actions fired over one stream of predictions' actions, in order, with a hold of `predictions`. */
export function held(actions: readonly Action[], predictions: number): Action[] {
  const hold = new Hold(predictions);
  return actions.map((a) => hold.next(a));
}
