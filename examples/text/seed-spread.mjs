// How the text examples' scripts write a fraction measured once per seed: as the README's tables do
// (`fedtune compare`: mean ± sample std), or as the one value when every seed gives it.
import { statisticOf } from '@fedtune/report';

/** `24.60%` for 0.246. */
export const percent = (fraction) => `${(100 * fraction).toFixed(2)}%`;

/** Whether every seed gave the same value, so there is no spread to show. */
export const sameInEverySeed = (values) => values.every((value) => value === values[0]);

/** `24.60%` when every seed agrees, else `mean ± std` over the seeds. */
export function seedSpread(values) {
  if (sameInEverySeed(values)) return percent(values[0]);
  const { mean, std } = statisticOf(values);
  return `${percent(mean)} ± ${percent(std)}`;
}
