/** Flag parsers shared by the commands: each names its flag and what it expected when the value is wrong. */
import { InvalidArgumentError } from 'commander';

export function intFlag(min = 1, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a whole number, found "${v}"`);
    if (n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, found ${n}`);
    return n;
  };
}

export function floatFlag(min = -Infinity, max = Infinity): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, found "${v}"`);
    if (n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}, found ${n}`);
    return n;
  };
}

export function choiceFlag<T extends string>(choices: readonly T[]): (v: string) => T {
  return (v) => {
    if (!(choices as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, found "${v}"`);
    return v as T;
  };
}
