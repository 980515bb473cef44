import type { Backend } from './backend.js';
import type { PreparedUpload } from './compressor.js';
import type { ClientMemory } from './memory.js';
import type { ComponentRequirements } from './requirements.js';
import type { RandomKey } from '../random/counterRandom.js';

/** Server-side view when choosing the round's participants. */
export interface SamplingContext {
  round: number;
  /** All client ids, ascending. */
  clientIds: readonly number[];
  /** Key for sampling draws (stream `clientSampling`). */
  random: RandomKey;
}

/** Client-side view when deciding whether to upload this round's update. */
export interface UploadContext {
  round: number;
  clientId: number;
  /** The client's update (local parameters − global parameters). */
  update: Float32Array;
  /** Global parameters this round started from. */
  global: Float32Array;
  /**
   * Global parameters of the previous round (equal to `global` in round 0), for selectors that
   * declare {@link Selector.usesPreviousGlobal}; absent for the others, so a server sends it to
   * remote clients only when the rule reads it.
   */
  previousGlobal?: Float32Array;
  backend: Backend;
  /** This selector's state for this client, kept on the client. */
  memory: ClientMemory;
  /**
   * What the run's compressor would send for `update`, when the compressor prepares its uploads
   * ({@link Compressor.prepare}). A rule that needs it names the compressors it works with in
   * {@link Selector.requires}, and the engine refuses any other pairing.
   */
  prepared?: PreparedUpload;
}

/** Who takes part and who uploads. */
export interface Selector {
  readonly name: string;
  /** Participants of the round, ascending ids. */
  sample(context: SamplingContext): number[];
  /** Client-side skip rule: `false` means the client sends nothing this round. */
  shouldUpload(context: UploadContext): boolean;
  /**
   * The share of clients `sample` picks each round, when it is fixed (`all`: 1, `uniform`: its
   * fraction); absent when it varies. The engine warns when it falls below what another component
   * assumes (`ComponentAssumptions.minParticipation`).
   */
  readonly participation?: number;
  /** True when `shouldUpload` reads {@link UploadContext.previousGlobal} (a rule on the global step). */
  readonly usesPreviousGlobal?: boolean;
  /** The components this selector only works with; see {@link ComponentRequirements}. */
  readonly requires?: ComponentRequirements;
}
