import { counterUniform, type RandomKey } from '@fedtune/core';
import { RmLoraStreams } from './streams.js';

/** The random stream of RM-LoRA's rank masks, within the range the plugin reserves. */
export const RANK_MASK_STREAM = RmLoraStreams.rankMask;

/** Which factor of a layer a set of rank directions is drawn for. */
export type MaskedFactor = 'A' | 'B';

/** Where in training one mask is drawn: the optimiser step and the adapted module's index. */
export interface MaskSite {
  step: number;
  layer: number;
  /** Adapted modules in the adapter (so each site has its own draws). */
  layers: number;
  factor: MaskedFactor;
}

/**
 * The `k` of `rank` directions that move at one site, ascending: a partial Fisher–Yates shuffle
 * whose uniforms are `counterUniform` of (seed, round, client, stream {@link RANK_MASK_STREAM}) at
 * indices that encode (step, layer, factor), so a mask is a pure function of
 * (seed, round, client, step, layer, factor) and never depends on what was drawn before.
 */
export function drawRankDirections(random: RandomKey, site: MaskSite, rank: number, k: number): number[] {
  const key = { seed: random.seed, round: random.round, client: random.client, stream: RANK_MASK_STREAM };
  const first = ((site.step * site.layers + site.layer) * 2 + (site.factor === 'A' ? 0 : 1)) * rank;
  const order = Array.from({ length: rank }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(counterUniform(key, first + i) * (rank - i));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order.slice(0, k).sort((a, b) => a - b);
}

/** 1 at the chosen directions and 0 elsewhere, as a length-`rank` vector. */
export function directionMask(directions: readonly number[], rank: number): Float32Array {
  const mask = new Float32Array(rank);
  for (const direction of directions) mask[direction] = 1;
  return mask;
}
