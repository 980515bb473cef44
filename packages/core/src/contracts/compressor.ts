import type { ParameterSpec } from './adapter.js';
import type { Backend } from './backend.js';
import type { ClientMemory } from './memory.js';
import type { ComponentRequirements } from './requirements.js';

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
 * An upload worked out before the client decides whether to send it: what {@link Compressor.encode}
 * will serialise. Compressors extend it with whatever their skip rules weigh (a quantisation error,
 * a bit width).
 */
export interface PreparedUpload {
  /** The update exactly as the server will decode it. */
  readonly decoded: Float32Array;
}

/**
 * Update → bytes on the wire → update. The engine counts `encode`'s bytes, so a compressor
 * cannot under-report what it sent.
 */
export interface Compressor {
  readonly name: string;
  /**
   * Works out the upload of `update` once, before the skip rule, without changing `memory` (the
   * client may not send it). The engine hands the result to the selector
   * ({@link UploadContext.prepared}) and to `encode`, so a rule that judges the upload judges the
   * very one that is sent, and nothing is quantised twice.
   */
  prepare?(update: Float32Array, context: EncodeContext): PreparedUpload;
  /**
   * Serialises `update`; `prepared`, when given, is what {@link Compressor.prepare} returned for
   * this update and context. Commits the upload to `memory`.
   */
  encode(update: Float32Array, context: EncodeContext, prepared?: PreparedUpload): Uint8Array;
  /** Inverts `encode`; throws a `PayloadError` on a malformed payload. */
  decode(payload: Uint8Array, length: number, context: CompressionContext): Float32Array;
  /** The components this compressor only works with; see {@link ComponentRequirements}. */
  readonly requires?: ComponentRequirements;
}
