// What the page needs from a game: player 1's controller (window.Detect, the MK.js contract) and
// player 1's move, for the HUD and the tests. The project's canvas game and MK.js both provide it.
import type { Detect } from '../src/browser';

declare global {
  interface Window {
    Detect?: Detect;
  }
}

export interface GameAdapter {
  readonly name: string;
  /** Keys, shown under the game. */
  readonly help: string;
  start(container: HTMLElement): Promise<void>;
  /** Player 1's current move, e.g. "punch" (MK.js: "high-punch"). */
  playerMove(): string;
}
