// The project's own fighting game, without any drawing: two fighters on a line, stand / walk /
// punch / kick, hits that land during the body model's strike phase when the opponent is within
// reach, life, a round that is won, lost and restarted. Pure TypeScript, so Node tests drive it.
import { type MoveKind, type MoveSet, poseAt } from './moves';

export const FULL_LIFE = 100;
export type Attack = 'punch' | 'kick';

/** Damage, and how far (metres between the two fighters' feet) the strike reaches. */
export const ATTACKS: Record<Attack, { damage: number; reach: number }> = {
  punch: { damage: 8, reach: 0.95 },
  kick: { damage: 11, reach: 1.15 },
};

/** Closest the two fighters' feet get; the arena's half width; walking speed (m/s); knock-back (m). */
export const ARENA = { minGap: 0.55, halfWidth: 2.4, walkSpeed: 1.4, knockBack: 0.22, startGap: 1.8 };
/** Seconds after a knock-out before the next round starts by itself. */
export const ROUND_BREAK = 4;

export interface Fighter {
  readonly index: 0 | 1;
  readonly name: string;
  readonly moves: MoveSet;
  /** Position of the feet, metres; fighter 0 faces +x, fighter 1 faces -x. */
  x: number;
  life: number;
  move: MoveKind;
  /** Game seconds since the move started. */
  t: number;
  /** -1 back, 0 still, 1 forward (toward the opponent). */
  walking: -1 | 0 | 1;
  /** The current strike already hit (one hit per strike). */
  landed: boolean;
}

export interface HitEvent {
  attacker: 0 | 1;
  attack: Attack;
  damage: number;
}

export class Fight {
  readonly fighters: [Fighter, Fighter];
  phase: 'fighting' | 'over' = 'fighting';
  winner: 0 | 1 | undefined;
  readonly wins: [number, number] = [0, 0];
  round = 1;
  /** Seconds since the round ended. */
  private overFor = 0;
  readonly hits: HitEvent[] = [];

  constructor(names: [string, string], moves: [MoveSet, MoveSet]) {
    const fighter = (index: 0 | 1): Fighter => ({
      index,
      name: names[index],
      moves: moves[index],
      x: 0,
      life: FULL_LIFE,
      move: 'stand',
      t: 0,
      walking: 0,
      landed: false,
    });
    this.fighters = [fighter(0), fighter(1)];
    this.restart();
  }

  restart(): void {
    this.fighters.forEach((f, i) => {
      Object.assign(f, { x: (i === 0 ? -1 : 1) * (ARENA.startGap / 2), life: FULL_LIFE, t: 0, walking: 0 });
      this.setMove(f, 'stand');
    });
    if (this.phase === 'over') this.round++;
    this.phase = 'fighting';
    this.winner = undefined;
    this.overFor = 0;
  }

  get gap(): number {
    return this.fighters[1].x - this.fighters[0].x;
  }

  /** A fighter can start a move only from standing (strikes and hit reactions play out). */
  isFree(i: 0 | 1): boolean {
    return this.phase === 'fighting' && this.fighters[i].move === 'stand';
  }

  /** Starts a punch or kick; false when the fighter is busy (mid-strike, hit, or the round is over). */
  attack(i: 0 | 1, attack: Attack): boolean {
    if (!this.isFree(i)) return false;
    const f = this.fighters[i];
    f.walking = 0;
    this.setMove(f, attack);
    return true;
  }

  /** Back to standing still (MK.js's onStand): stops walking; a strike in progress plays out. */
  stand(i: 0 | 1): void {
    this.fighters[i].walking = 0;
  }

  walk(i: 0 | 1, direction: -1 | 0 | 1): void {
    if (this.phase === 'fighting') this.fighters[i].walking = direction;
  }

  step(dt: number): void {
    if (this.phase === 'over') {
      this.overFor += dt;
      for (const f of this.fighters) f.t += dt;
      if (this.overFor >= ROUND_BREAK) this.restart();
      return;
    }
    for (const f of this.fighters) {
      f.t += dt;
      const move = f.moves[f.move];
      if (!move.loop && f.t >= move.duration) this.setMove(f, 'stand');
      if (f.move === 'stand' && f.walking !== 0) this.shift(f, f.walking * ARENA.walkSpeed * dt);
    }
    for (const f of this.fighters) this.resolveStrike(f);
  }

  /** Pose of fighter i now, for drawing. */
  pose(i: 0 | 1) {
    const f = this.fighters[i];
    return poseAt(f.moves[f.move], f.t);
  }

  private setMove(f: Fighter, move: MoveKind): void {
    f.move = move;
    f.t = 0;
    f.landed = false;
  }

  /** Moves a fighter `forward` metres toward the opponent (negative: away), within the arena. */
  private shift(f: Fighter, forward: number): void {
    const sign = f.index === 0 ? 1 : -1;
    const other = this.fighters[1 - f.index];
    let x = f.x + sign * forward;
    x = Math.max(-ARENA.halfWidth, Math.min(ARENA.halfWidth, x));
    if (f.index === 0) x = Math.min(x, other.x - ARENA.minGap);
    else x = Math.max(x, other.x + ARENA.minGap);
    f.x = x;
  }

  private resolveStrike(f: Fighter): void {
    if (f.move !== 'punch' && f.move !== 'kick') return;
    const strike = f.moves[f.move].strike;
    if (f.landed || !strike || f.t < strike.from || f.t > strike.to) return;
    const { damage, reach } = ATTACKS[f.move];
    if (this.gap > reach) return;
    f.landed = true;
    const target = this.fighters[1 - f.index];
    target.life = Math.max(0, target.life - damage);
    this.hits.push({ attacker: f.index, attack: f.move, damage });
    target.walking = 0;
    this.shift(target, -ARENA.knockBack);
    if (target.life > 0) {
      this.setMove(target, 'hit');
      return;
    }
    this.setMove(target, 'down');
    this.setMove(f, 'win');
    this.phase = 'over';
    this.winner = f.index;
    this.wins[f.index]++;
  }
}

/**
 * The computer's fighter: closes in, keeps about punching distance, strikes at a human pace and
 * sometimes steps back. Acts only through the same commands as the player.
 */
export class Opponent {
  private wait = 0;
  constructor(
    private readonly rng: () => number,
    readonly index: 0 | 1 = 1,
  ) {}

  update(fight: Fight, dt: number): void {
    this.wait -= dt;
    const me = this.index;
    if (fight.phase !== 'fighting' || !fight.isFree(me)) return;
    const gap = fight.gap;
    if (gap > ATTACKS.punch.reach - 0.1) {
      fight.walk(me, 1);
      return;
    }
    if (fight.fighters[me].walking === 1) fight.walk(me, 0);
    if (this.wait > 0) return;
    const r = this.rng();
    this.wait = 0.5 + this.rng() * 0.9;
    if (r < 0.35) fight.attack(me, 'punch');
    else if (r < 0.55) fight.attack(me, 'kick');
    else if (r < 0.7) {
      fight.walk(me, -1);
      this.wait = 0.35;
    } else fight.walk(me, 0);
  }
}
