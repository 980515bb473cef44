import type { Statistic } from '../analysis/statistics.js';

/** `80.12%` for 0.80123. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** `75%` or `72.5%`: a percentage without trailing zeros, for targets a user typed. */
export function shortPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}

/** `mean ± std` with both shown by `format`; the mean alone for a single run. */
export function withSpread(statistic: Statistic, format: (value: number) => string): string {
  return statistic.std === null ? format(statistic.mean) : `${format(statistic.mean)} ± ${format(statistic.std)}`;
}

/** Megabytes, 10⁶ bytes, as the run summary prints them. */
export function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(3);
}

const SI_PREFIXES = ['', 'k', 'M', 'G', 'T', 'P'] as const;

/** `12.3 Mbit`: three significant digits with an SI prefix. */
export function bits(value: number): string {
  const power = value < 1000 ? 0 : Math.min(Math.floor(Math.log10(value) / 3), SI_PREFIXES.length - 1);
  return `${Number((value / 1000 ** power).toPrecision(3))} ${SI_PREFIXES[power] ?? ''}bit`;
}

/** Seconds with one decimal. */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
