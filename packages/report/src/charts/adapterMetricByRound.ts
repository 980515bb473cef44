import type { TopLevelSpec } from 'vega-lite';
import { byRoundSpec } from './byRound.js';
import type { ChartInput } from './chartInput.js';

/**
 * One adapter metric after each evaluated round, for the groups whose adapter reports it; on a
 * log axis when `input.logY` is set, where values of zero or less are left out.
 */
export function adapterMetricByRoundSpec(input: ChartInput, name: string): TopLevelSpec {
  return byRoundSpec(input, (point) => point.adapterMetrics.get(name), {
    y: { title: name, format: '~g', zero: false, log: input.logY === true },
  });
}
