/** How each of the N slots of an average counts. */
export type Weighting = 'uniform' | 'samples';

/** A slot's weight: 1 each (SAFARI's and our baselines' 1/N), or the client's sample count (FedAvg's n_i). */
export function slotWeight(weighting: Weighting, numSamples: number): number {
  return weighting === 'uniform' ? 1 : numSamples;
}
