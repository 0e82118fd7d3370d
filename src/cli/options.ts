// Option parsers shared by commands; each names the bad value in its error.
import { InvalidArgumentError } from 'commander';
import { type Alpha, parseAlpha } from '../mobilenet/source';

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
