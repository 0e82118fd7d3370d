// The project's own fighting game on a canvas: the Fight engine from src/game, fighters drawn with
// the body model, life bars, rounds. Player 1 is driven through window.Detect (camera) or the keyboard.
import {
  ARENA,
  Fight,
  fighterMoves,
  MOVE_SEEDS,
  type MoveSet,
  mulberry32,
  Opponent,
  randomSubjects,
} from '../src/browser';
import type { GameAdapter } from './game';
import { FighterSprites } from './sprites';

const WIDTH = 960;
const HEIGHT = 540;
/** Pixels per metre, and where the floor line and the arena's centre are. */
const SCALE = 150;
const FLOOR_Y = 480;
const CENTRE_X = WIDTH / 2;

export class CanvasGame implements GameAdapter {
  readonly name = 'kombat canvas game';
  readonly help = 'Keyboard: A punch, D kick, ← → walk, Enter restart. Camera: punch or kick at it.';
  readonly fight: Fight;
  private readonly opponent = new Opponent(mulberry32(11));
  private readonly sprites: [FighterSprites, FighterSprites];
  private readonly canvas = document.createElement('canvas');
  private readonly context: CanvasRenderingContext2D;
  private readonly background = document.createElement('canvas');
  private last = 0;
  private hitsSeen = 0;
  private flashes: { x: number; y: number; until: number; text: string }[] = [];

  constructor() {
    const moves: [MoveSet, MoveSet] = [fighterMoves(MOVE_SEEDS[0]), fighterMoves(MOVE_SEEDS[1])];
    this.fight = new Fight(['YOU', 'CPU'], moves);
    const [you, cpu] = randomSubjects(2, 7);
    this.sprites = [
      new FighterSprites(you, moves[0], { yaw: 75, scale: SCALE }, 'p'),
      new FighterSprites(cpu, moves[1], { yaw: -75, scale: SCALE }, 'c'),
    ];
    this.canvas.width = WIDTH;
    this.canvas.height = HEIGHT;
    this.canvas.className = 'arena';
    const context = this.canvas.getContext('2d');
    if (!context) throw new Error('this browser has no 2D canvas');
    this.context = context;
    drawArena(this.background);
  }

  playerMove(): string {
    return this.fight.fighters[0].move;
  }

  async start(container: HTMLElement): Promise<void> {
    container.append(this.canvas);
    window.Detect = {
      onPunch: () => void this.fight.attack(0, 'punch'),
      onKick: () => void this.fight.attack(0, 'kick'),
      onStand: () => this.fight.stand(0),
    };
    this.listenToKeys();
    this.last = performance.now();
    const frame = (now: number) => {
      this.update(Math.min(0.05, (now - this.last) / 1000));
      this.last = now;
      this.draw(now);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    // Frames are made on first use; preloading (standing first) makes them before they are needed.
    void Promise.all(this.sprites.map((s) => s.preload()));
  }

  private listenToKeys(): void {
    const held = new Set<string>();
    const walk = () => this.fight.walk(0, held.has('ArrowRight') ? 1 : held.has('ArrowLeft') ? -1 : 0);
    window.addEventListener('keydown', (e) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (key === 'a') window.Detect?.onPunch();
      else if (key === 'd') window.Detect?.onKick();
      else if (key === 'Enter' && this.fight.phase === 'over') this.fight.restart();
      else if (key === 'ArrowLeft' || key === 'ArrowRight') {
        held.add(key);
        walk();
      } else return;
      e.preventDefault();
    });
    window.addEventListener('keyup', (e) => {
      if (held.delete(e.key)) walk();
    });
  }

  private update(dt: number): void {
    this.opponent.update(this.fight, dt);
    this.fight.step(dt);
    const hits = this.fight.hits;
    for (; this.hitsSeen < hits.length; this.hitsSeen++) {
      const hit = hits[this.hitsSeen];
      const target = this.fight.fighters[1 - hit.attacker];
      this.flashes.push({
        x: screenX(target.x) + (hit.attacker === 0 ? -20 : 20),
        y: FLOOR_Y - SCALE * (hit.attack === 'punch' ? 1.45 : 0.95),
        until: performance.now() + 300,
        text: hit.attack === 'punch' ? 'POW' : 'WHAM',
      });
    }
  }

  private draw(now: number): void {
    const g = this.context;
    g.drawImage(this.background, 0, 0);
    // The fighter further back in the depth order does not matter on one line: draw CPU first.
    for (const i of [1, 0] as const) {
      const f = this.fight.fighters[i];
      const sprite = this.sprites[i].get(f.move, f.t);
      if (sprite) g.drawImage(sprite, screenX(f.x) - this.sprites[i].originX, FLOOR_Y - this.sprites[i].originY);
    }
    this.flashes = this.flashes.filter((f) => f.until > now);
    for (const f of this.flashes) {
      g.fillStyle = '#ffd23f';
      g.beginPath();
      g.arc(f.x, f.y, 26, 0, Math.PI * 2);
      g.fill();
      g.fillStyle = '#b3001b';
      g.font = 'bold 18px sans-serif';
      g.textAlign = 'center';
      g.fillText(f.text, f.x, f.y + 6);
    }
    this.drawLifeBars();
    this.drawBanner();
  }

  private drawLifeBars(): void {
    const g = this.context;
    const w = 380;
    this.fight.fighters.forEach((f, i) => {
      const x = i === 0 ? 30 : WIDTH - 30 - w;
      g.fillStyle = '#300';
      g.fillRect(x, 24, w, 22);
      g.fillStyle = f.life > 30 ? '#2fbf4a' : '#e0a100';
      const filled = (w * f.life) / 100;
      g.fillRect(i === 0 ? x : x + w - filled, 24, filled, 22);
      g.strokeStyle = '#fff';
      g.lineWidth = 2;
      g.strokeRect(x, 24, w, 22);
      g.fillStyle = '#fff';
      g.font = 'bold 16px sans-serif';
      g.textAlign = i === 0 ? 'left' : 'right';
      g.fillText(`${f.name}  ${'★'.repeat(this.fight.wins[i])}`, i === 0 ? x : x + w, 66);
    });
  }

  private drawBanner(): void {
    const g = this.context;
    const fight = this.fight;
    let text = '';
    let small = '';
    if (fight.phase === 'over') {
      text = fight.winner === 0 ? 'YOU WIN' : 'CPU WINS';
      small = 'next round in a moment - Enter to start now';
    } else if (fight.fighters.every((f) => f.life === 100) && fight.fighters[0].move === 'stand') {
      text = `ROUND ${fight.round}`;
      small = 'punch or kick at the camera - or A / D on the keyboard';
    }
    if (!text) return;
    g.textAlign = 'center';
    g.fillStyle = 'rgba(0,0,0,0.45)';
    g.fillRect(0, 82, WIDTH, 96);
    g.fillStyle = '#ffd23f';
    g.font = 'bold 52px sans-serif';
    g.fillText(text, CENTRE_X, 134);
    g.fillStyle = '#fff';
    g.font = '18px sans-serif';
    g.fillText(small, CENTRE_X, 164);
  }
}

function screenX(x: number): number {
  return CENTRE_X + x * SCALE;
}

/** A torch-lit stone arena, drawn once. */
function drawArena(canvas: HTMLCanvasElement): void {
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const g = canvas.getContext('2d');
  if (!g) return;
  const sky = g.createLinearGradient(0, 0, 0, FLOOR_Y);
  sky.addColorStop(0, '#1b1030');
  sky.addColorStop(1, '#5a2a3a');
  g.fillStyle = sky;
  g.fillRect(0, 0, WIDTH, FLOOR_Y);
  // Back wall of stone blocks.
  for (let row = 0; row < 6; row++) {
    for (let col = -1; col < 16; col++) {
      const x = col * 70 + (row % 2) * 35;
      const y = 150 + row * 42;
      g.fillStyle = `hsl(20, 12%, ${18 + ((row * 7 + col * 13) % 9)}%)`;
      g.fillRect(x + 2, y + 2, 66, 38);
    }
  }
  for (const x of [120, WIDTH - 120]) {
    const glow = g.createRadialGradient(x, 180, 4, x, 180, 90);
    glow.addColorStop(0, 'rgba(255,190,80,0.9)');
    glow.addColorStop(1, 'rgba(255,120,40,0)');
    g.fillStyle = glow;
    g.fillRect(x - 90, 90, 180, 180);
    g.fillStyle = '#3b2a1a';
    g.fillRect(x - 5, 190, 10, 60);
  }
  const floor = g.createLinearGradient(0, FLOOR_Y - 60, 0, HEIGHT);
  floor.addColorStop(0, '#4a3b30');
  floor.addColorStop(1, '#1e1712');
  g.fillStyle = floor;
  g.fillRect(0, FLOOR_Y - 60, WIDTH, HEIGHT - FLOOR_Y + 60);
  g.strokeStyle = 'rgba(0,0,0,0.35)';
  for (let i = -12; i <= 12; i++) {
    g.beginPath();
    g.moveTo(CENTRE_X + i * 40, FLOOR_Y - 60);
    g.lineTo(CENTRE_X + i * 110, HEIGHT);
    g.stroke();
  }
  g.fillStyle = 'rgba(255,255,255,0.08)';
  g.fillRect(screenX(-ARENA.halfWidth), FLOOR_Y - 2, ARENA.halfWidth * 2 * SCALE, 3);
}
