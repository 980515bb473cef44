import type { Statistic } from '../analysis/statistics.js';

/** `80.12%` for 0.80123. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** `75%` or `72.5%`: a percentage without trailing zeros, for targets a user typed. */
export function shortPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}

/**
 * `mean ± std` with both shown by `format` (the spread by `formatSpread` when given); the mean
 * alone for a single run.
 */
export function withSpread(
  statistic: Statistic,
  format: (value: number) => string,
  formatSpread: (value: number) => string = format,
): string {
  return statistic.std === null ? format(statistic.mean) : `${format(statistic.mean)} ± ${formatSpread(statistic.std)}`;
}

/** The text of a value no run of the group has. */
export const MISSING = '–';

/** {@link withSpread}, or {@link MISSING} when no run has the value. */
export function knownWithSpread(
  statistic: Statistic | null | undefined,
  format: (value: number) => string,
  formatSpread: (value: number) => string = format,
): string {
  return statistic === null || statistic === undefined ? MISSING : withSpread(statistic, format, formatSpread);
}

/** `2.62` percentage points for a difference of 0.0262 in accuracy. */
export function points(fraction: number): string {
  return (fraction * 100).toFixed(2);
}

/** `+2.62` or `−0.37`: percentage points with their sign, for differences. */
export function signedPoints(fraction: number): string {
  const text = points(Math.abs(fraction));
  return Number(text) === 0 ? text : `${fraction < 0 ? '−' : '+'}${text}`;
}

/**
 * Decimals that show `value` to three significant digits (two for values under 10⁻⁶ or at
 * zero), so that a spread printed with the same decimals lines up with its mean.
 */
export function significantDecimals(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude < 1e-6) return 2;
  return Math.max(0, 2 - Math.floor(Math.log10(magnitude)));
}

/** `1,234` for whole numbers, `1,234.5` otherwise: counts averaged over runs. */
export function count(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** Megabytes, 10⁶ bytes, as the run summary prints them. */
export function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(3);
}

/** Bytes as kilobytes (10³) with two decimals. */
export function kilobytes(bytes: number): string {
  return (bytes / 1e3).toFixed(2);
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
