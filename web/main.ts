// The game page: the project's own canvas fighting game, played with the camera or the keyboard.

import { runPage } from './app';
import { CanvasGame } from './canvas-game';

void runPage(new CanvasGame());
