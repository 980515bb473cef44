import type { TopLevelSpec } from 'vega-lite';
import { byRoundSpec } from './byRound.js';
import { targetRule, type ChartInput } from './chartInput.js';

/** Test accuracy after each evaluated round. */
export function accuracyByRoundSpec(input: ChartInput): TopLevelSpec {
  return byRoundSpec(input, (point) => point.testAccuracy, {
    y: { title: 'test accuracy', format: '.0%', zero: false },
    rule: targetRule(input),
  });
}
