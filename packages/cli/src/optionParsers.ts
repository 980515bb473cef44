import { InvalidArgumentError } from 'commander';

/** A whole number in `[min, max]`, for commander's option parsing. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}".`);
    }
    return parsed;
  };
}

/** A number greater than 0, for commander's option parsing. */
export function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new InvalidArgumentError(`expected a number greater than 0, got "${value}".`);
  }
  return parsed;
}

/** A comma-separated list of whole numbers in `[min, max]`, e.g. `0,1,2,3,4`. */
export function integerListIn(min: number, max: number): (value: string) => number[] {
  const parseOne = integerIn(min, max);
  return (value) => {
    try {
      return value.split(',').map((part) => parseOne(part.trim()));
    } catch {
      throw new InvalidArgumentError(
        `expected comma-separated whole numbers from ${min} to ${max} (e.g. "${min},${min + 1}"), got "${value}".`,
      );
    }
  };
}
