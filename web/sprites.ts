// Fighter pictures: the body model's SVG for a pose, rasterised once per animation frame and kept,
// so the game draws bitmaps at 60 frames per second instead of parsing SVG every frame.
import { drawBody, type Move, type MoveKind, type MoveSet, poseAt, type Subject } from '../src/browser';

/** Animation frames rasterised per game second. */
export const SPRITE_FPS = 24;

export interface SpriteView {
  /** Degrees: the fighters face each other, turned a little toward the camera. */
  yaw: number;
  /** Pixels per metre. */
  scale: number;
}

export class FighterSprites {
  readonly width: number;
  readonly height: number;
  /** Where the fighter's feet are inside a sprite. */
  readonly originX: number;
  readonly originY: number;
  private readonly ready = new Map<string, HTMLCanvasElement>();
  private readonly pending = new Set<string>();

  constructor(
    readonly subject: Subject,
    readonly moves: MoveSet,
    readonly view: SpriteView,
    readonly id: string,
  ) {
    this.width = Math.round(view.scale * 2.6);
    this.height = Math.round(view.scale * 2.3);
    this.originX = this.width / 2;
    this.originY = this.height - view.scale * 0.12;
  }

  static frameIndex(move: Move, t: number): number {
    const frames = Math.max(1, Math.round(move.duration * SPRITE_FPS));
    const i = Math.floor(t * SPRITE_FPS);
    return move.loop ? i % frames : Math.min(i, frames - 1);
  }

  /** The bitmap for `move` at `t`; while it is being made, the nearest earlier frame made so far. */
  get(kind: MoveKind, t: number): HTMLCanvasElement | undefined {
    const move = this.moves[kind];
    const index = FighterSprites.frameIndex(move, t);
    const found = this.ready.get(`${kind}/${index}`);
    if (found) return found;
    void this.make(kind, index);
    for (let i = index - 1; i >= 0; i--) {
      const earlier = this.ready.get(`${kind}/${i}`);
      if (earlier) return earlier;
    }
    return this.ready.get('stand/0');
  }

  /** Rasterises every frame of every move (stand first), one after another. */
  async preload(): Promise<void> {
    for (const kind of Object.keys(this.moves) as MoveKind[]) {
      const frames = Math.max(1, Math.round(this.moves[kind].duration * SPRITE_FPS));
      for (let i = 0; i < frames; i++) await this.make(kind, i);
    }
  }

  private async make(kind: MoveKind, index: number): Promise<void> {
    const key = `${kind}/${index}`;
    if (this.ready.has(key) || this.pending.has(key)) return;
    this.pending.add(key);
    try {
      const pose = poseAt(this.moves[kind], index / SPRITE_FPS);
      const body = drawBody(
        pose,
        this.subject,
        { yaw: this.view.yaw, scale: this.view.scale, x: this.originX, y: this.originY },
        { idPrefix: `${this.id}${kind}${index}` },
      );
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}">${body}</svg>`;
      const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
      try {
        const image = new Image();
        image.src = url;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = this.width;
        canvas.height = this.height;
        canvas.getContext('2d')?.drawImage(image, 0, 0);
        this.ready.set(key, canvas);
      } finally {
        URL.revokeObjectURL(url);
      }
    } finally {
      this.pending.delete(key);
    }
  }
}
