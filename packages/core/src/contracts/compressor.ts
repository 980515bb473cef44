import type { ParameterSpec } from './adapter.js';
import type { Backend } from './backend.js';
import type { ClientMemory } from './memory.js';

/** What an encoder or decoder knows about the upload at hand. */
export interface CompressionContext {
  seed: number;
  round: number;
  clientId: number;
  backend: Backend;
  /**
   * State this compressor keeps for this client on this side of the wire (the client's memory when
   * encoding, the server's when decoding). Both sides update theirs from the same payload, so they
   * stay in step without sharing memory.
   */
  memory: ClientMemory;
  /**
   * The adapter's tensors in the order the update concatenates them, for compressors that work
   * per tensor. The engine always sets it; a context built by hand may leave it out.
   */
  layout?: readonly ParameterSpec[];
}

/** The encoder's context: the decoder's plus what only the client knows. */
export interface EncodeContext extends CompressionContext {
  /** This client's mean local training loss this round (for loss-adaptive levels). */
  trainLoss: number;
}

/**
 * Update → bytes on the wire → update. The engine counts `encode`'s bytes, so a compressor
 * cannot under-report what it sent.
 */
export interface Compressor {
  readonly name: string;
  encode(update: Float32Array, context: EncodeContext): Uint8Array;
  /** Inverts `encode`; throws a `PayloadError` on a malformed payload. */
  decode(payload: Uint8Array, length: number, context: CompressionContext): Float32Array;
}
