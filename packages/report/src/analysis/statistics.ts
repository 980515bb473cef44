/** Mean and spread of one quantity over the runs of a group (the seeds of one experiment). */
export interface Statistic {
  mean: number;
  /** Sample standard deviation (n − 1); null for a single run, which has no spread to show. */
  std: number | null;
  /** How many runs the value came from. */
  n: number;
}

/** The mean and sample standard deviation of `values`, or null when there are none. */
export function statisticOf(values: readonly number[]): Statistic | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  if (n === 1) return { mean, std: null, n };
  const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return { mean, std: Math.sqrt(squares / (n - 1)), n };
}

/** {@link statisticOf} for values that are never empty, such as one per run of a group. */
export function statisticOfSome(values: readonly number[]): Statistic {
  const statistic = statisticOf(values);
  if (statistic === null) throw new RangeError('expected at least one value');
  return statistic;
}

/** {@link statisticOf} over the values that are known, leaving out the nulls of runs that lack one. */
export function statisticOfKnown(values: readonly (number | null)[]): Statistic | null {
  return statisticOf(values.filter((value): value is number => value !== null));
}
