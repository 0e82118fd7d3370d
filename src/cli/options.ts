// Option parsers shared by commands; each names the bad value in its error.
import { InvalidArgumentError } from 'commander';
import { parseSize, type Size } from '../augment';
import { parseTask, type Task } from '../data';
import { type Alpha, parseAlpha } from '../mobilenet';
import type { InputSize } from '../preprocess';
import { parseInputSize } from '../train';

/** A library parser as a commander one: its error message becomes commander's. */
export function parser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

/** One of a fixed list of names; the error lists them. */
export function choiceOption<T extends string>(choices: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new InvalidArgumentError(`${text} is not one of ${choices.join(', ')}`);
    }
    return text as T;
  };
}

export const alphaOption = parser<Alpha>(parseAlpha);
export const taskOption = parser<Task>(parseTask);
/** "WxH" as the model input [height, width]. */
export const inputSizeOption = parser<InputSize>(parseInputSize);
/** "WxH" as an image size. */
export const sizeOption = parser<Size>(parseSize);

export function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${text} is not a positive integer`);
  return n;
}

export function nonNegativeInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${text} is not a non-negative integer`);
  return n;
}

/** Seeds feed 32-bit generators: 0..4294967295. */
export function seedOption(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError(`${text} is not an integer in 0..4294967295`);
  return n;
}

export function positiveNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !(n > 0) || !Number.isFinite(n))
    throw new InvalidArgumentError(`${text} is not a positive number`);
  return n;
}

export function nonNegative(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`${text} is not a non-negative number`);
  return n;
}

export function fraction(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !(n > 0 && n < 1))
    throw new InvalidArgumentError(`${text} is not a fraction between 0 and 1`);
  return n;
}

/** The help of every --force: what it allows, and what it never does. */
export function forceHelp(what: string): string {
  return (
    `${what} even when it is not empty and not this command's own output ` +
    '(never a file or a folder holding a dataset)'
  );
}
