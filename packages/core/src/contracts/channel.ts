import type { RandomKey } from '../random/counterRandom.js';
import type { ComponentRequirements } from './requirements.js';

/** Decides which uploads reach the server. */
export interface Channel {
  readonly name: string;
  /**
   * Whether `clientId`'s upload of `bytes` bytes in `round` arrives. Called once per upload, in
   * ascending client order; `random` is this client's and round's key (stream `channel`).
   */
  delivers(clientId: number, round: number, bytes: number, random: RandomKey): boolean;
  /** The components this channel only works with; see {@link ComponentRequirements}. */
  readonly requires?: ComponentRequirements;
}
