// Option parsers shared by commands; each names the bad value in its error.
import { InvalidArgumentError } from 'commander';
import { Alpha, parseAlpha } from '../mobilenet/source';
import type { InputSize } from '../preprocess';

export function alphaOption(text: string): Alpha {
  try {
    return parseAlpha(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${text} is not a positive integer`);
  return n;
}

/** "224x224" or "128x224" as HEIGHTxWIDTH. */
export function inputSizeOption(text: string): InputSize {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 32 || Number(m[2]) < 32) {
    throw new InvalidArgumentError(`${text} is not HEIGHTxWIDTH with both at least 32`);
  }
  return [Number(m[1]), Number(m[2])];
}
