import type { TopLevelSpec } from 'vega-lite';
import { byRoundSpec } from './byRound.js';
import type { ChartInput } from './chartInput.js';
import { WIDE_CHART_SIZE } from './chartTheme.js';

/**
 * Uplink bits sent by all clients together in each round; on a log axis when `input.logY` is set,
 * where rounds that sent nothing are left out.
 */
export function uplinkPerRoundSpec(input: ChartInput): TopLevelSpec {
  return byRoundSpec(input, (point) => point.uplinkBits, {
    y: { title: 'uplink bits in the round', format: '~s', zero: true, log: input.logY === true },
    size: WIDE_CHART_SIZE,
  });
}
