// The article's game: a user's copy of MK.js (github.com/mgechev/mk-tfjs, folder mk/), bundled by
// `kombat serve --mkjs <folder>` (which resolves "mkjs/" to that folder and provides its Parcel
// image glob), driven by the same page and inference loop through window.Detect.
import 'mkjs/game/src/mk.js';
import { runPage } from './app';
import type { GameAdapter } from './game';

interface MkFighter {
  getLife(): number;
  getName(): string;
  getMove(): { type: string };
}

interface Mk {
  start(options: object): { ready(callback: () => void): void };
  reset(): void;
  arenas: { types: { THRONE_ROOM: number; TOWER: number } };
  game: { fighters: MkFighter[] } | null;
}

declare global {
  interface Window {
    mk: Mk;
  }
}

class MkGame implements GameAdapter {
  readonly name = 'MK.js';
  readonly help = 'MK.js in its webcam mode: punch or kick at the camera. Player 2 uses the keyboard.';
  private readonly lives = document.createElement('div');

  playerMove(): string {
    return window.mk.game?.fighters[0]?.getMove().type ?? 'none';
  }

  start(container: HTMLElement): Promise<void> {
    this.lives.className = 'mk-lives';
    const arena = document.createElement('div');
    arena.className = 'mk-arena';
    container.append(this.lives, arena);
    return this.round(arena);
  }

  private round(arena: HTMLElement): Promise<void> {
    const mk = window.mk;
    return new Promise((resolve) => {
      mk.start({
        arena: { container: arena, arena: mk.arenas.types.THRONE_ROOM },
        fighters: [{ name: 'Subzero' }, { name: 'Kano' }],
        gameType: 'webcaminput',
        callbacks: {
          attack: () => this.showLives(),
          'game-end': (loser: MkFighter) => {
            this.lives.textContent = `${loser.getName()} lost - a new round starts`;
            setTimeout(() => {
              mk.reset();
              void this.round(arena);
            }, 3000);
          },
        },
      }).ready(() => {
        this.showLives();
        resolve();
      });
    });
  }

  private showLives(): void {
    const fighters = window.mk.game?.fighters ?? [];
    this.lives.textContent = fighters.map((f) => `${f.getName()}: ${Math.max(0, f.getLife())}`).join('   ');
  }
}

void runPage(new MkGame());
