import { type ClientMemory, damagedMemory } from '@fedtune/core';

const KEY = 'observedGlobalSteps';

/**
 * Adds ‖θ^round − θ^{round−1}‖² to the global steps this client has seen and returns those of the
 * last `window` rounds (round → squared step). A client only sees the global models of the rounds
 * it takes part in, so under partial participation the window has gaps. Kept in client memory as
 * [round, step, round, step, …], newest first.
 * @throws CheckpointError when the stored list is not of pairs.
 */
export function observeGlobalStep(
  memory: ClientMemory,
  round: number,
  stepNorm2: number,
  window: number,
): Map<number, number> {
  const stored = memory.get(KEY);
  const observed = new Map<number, number>([[round, stepNorm2]]);
  if (stored instanceof Float32Array) {
    if (stored.length % 2 !== 0) throw damagedMemory(KEY, `holds ${stored.length} values, not [round, step] pairs`);
    for (let i = 0; i + 1 < stored.length; i += 2) {
      const seen = stored[i] as number;
      if (seen > round - window && !observed.has(seen)) observed.set(seen, stored[i + 1] as number);
    }
  }
  memory.set(KEY, Float32Array.from([...observed].flat()));
  return observed;
}

/**
 * LAQ's Σ_{d=1..D'} ξ_d‖θ^{k+1−d} − θ^{k−d}‖² at round k, with ξ_d = `xi`/D' and D' = min(k, D)
 * (LAQ's weights: `xi`/D once k > D, `xi`/k before). A step the client did not see is taken equal
 * to the next newer one it did see: it lacks those models, and steps change slowly.
 */
export function laqWeightedStepSum(
  observed: ReadonlyMap<number, number>,
  round: number,
  window: number,
  xi: number,
): number {
  const terms = Math.min(round, window);
  if (terms === 0) return 0;
  let step = observed.get(round) ?? 0;
  let sum = 0;
  for (let d = 1; d <= terms; d++) {
    step = observed.get(round + 1 - d) ?? step;
    sum += step;
  }
  return (xi / terms) * sum;
}
