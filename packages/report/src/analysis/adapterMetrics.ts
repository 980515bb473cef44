import type { RunRecord } from '../read/types.js';
import { ReportOptionError } from '../reportOptionError.js';
import type { RunMetrics } from './runMetrics.js';
import { statisticOfKnown, type Statistic } from './statistics.js';

/** One adapter diagnostic (an effective rank, say) at the last evaluation, over a group's runs. */
export interface AdapterMetric {
  name: string;
  value: Statistic;
}

/** The names of the adapter metrics any round of any run reports, in the order first met. */
export function reportedAdapterMetrics(runs: readonly RunRecord[]): string[] {
  const names = new Set<string>();
  for (const run of runs)
    for (const row of run.ledger) for (const name of Object.keys(row.metrics ?? {})) names.add(name);
  return [...names];
}

/**
 * The adapter metrics to show: `wanted` (each once, in the order given) after checking that some
 * run reports each, or every reported metric when nothing was asked for.
 */
export function chooseAdapterMetrics(runs: readonly RunRecord[], wanted: readonly string[] | undefined): string[] {
  const reported = reportedAdapterMetrics(runs);
  if (wanted === undefined) return reported;
  const unknown = wanted.filter((name) => !reported.includes(name));
  if (unknown.length > 0) {
    const names = unknown.map((name) => `"${name}"`).join(', ');
    const available = reported.length === 0 ? 'these runs report none' : `they report ${reported.join(', ')}`;
    throw new ReportOptionError(`no run reports the adapter metric ${names}; ${available}`);
  }
  return [...new Set(wanted)];
}

/** Each named metric's final value over the runs that report it; metrics no run reports are left out. */
export function groupAdapterMetrics(metrics: readonly RunMetrics[], names: readonly string[]): AdapterMetric[] {
  return names.flatMap((name) => {
    const value = statisticOfKnown(metrics.map((run) => run.finalAdapterMetrics?.[name] ?? null));
    return value === null ? [] : [{ name, value }];
  });
}
