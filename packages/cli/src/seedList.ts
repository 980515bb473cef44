import { InvalidArgumentError } from 'commander';

/** The largest seed an experiment file accepts, as for `--seed`. */
export const MAX_SEED = 0xffffffff;
/** More seeds than this in one command is almost surely a typo in a range (`1-10000`). */
export const MAX_SEEDS = 1000;

/**
 * Reads `--seeds`: comma-separated seeds and inclusive ranges, e.g. `1,2,3`, `1-5` or `1-3,7`, in
 * the order given.
 * @throws InvalidArgumentError naming the part at fault: not a whole number from 0 to
 *   {@link MAX_SEED}, a range that runs backwards, a seed given twice, or more than {@link MAX_SEEDS}.
 */
export function parseSeedList(value: string): number[] {
  const seeds: number[] = [];
  for (const part of value.split(',').map((text) => text.trim())) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    const first = seedOf(range === null ? part : (range[1] as string), value);
    const last = range === null ? first : seedOf(range[2] as string, value);
    if (last < first) throw new InvalidArgumentError(`the range "${part}" runs backwards; write it as ${last}-${first}.`);
    if (seeds.length + (last - first + 1) > MAX_SEEDS) {
      throw new InvalidArgumentError(`"${value}" lists more than ${MAX_SEEDS} seeds; run fewer at a time.`);
    }
    for (let seed = first; seed <= last; seed++) {
      if (seeds.includes(seed)) {
        throw new InvalidArgumentError(`seed ${seed} is listed twice in "${value}"; give each seed once.`);
      }
      seeds.push(seed);
    }
  }
  return seeds;
}

function seedOf(text: string, list: string): number {
  const seed = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(seed) || seed > MAX_SEED) {
    throw new InvalidArgumentError(
      `expected seeds as whole numbers from 0 to ${MAX_SEED}, separated by commas, with ranges as 1-5 ` +
        `(e.g. "1-3,7"); "${text}" in "${list}" is not one.`,
    );
  }
  return seed;
}
