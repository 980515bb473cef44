import { ConfigError, type EncodeContext, type PreparedUpload, type UploadContext } from '@fedtune/core';
import { quantiseInnovation, type BitWidthRule, type InnovationQuantisation } from './innovationQuantiser.js';
import { hasLastUpload, readLastUpload } from './lastUpload.js';

/**
 * An AQUILA or LAQ upload worked out before the skip rule ({@link prepareGridUpload}): the grid
 * quantisation the compressor will send (or, in AQUILA's official protocol, count) and the client's
 * last upload q_m it is centred on.
 * The skip rules judge this very upload, so nothing is quantised twice and q_m lives in one place,
 * the compressor's memory.
 */
export interface GridUpload extends PreparedUpload {
  readonly quantisation: InnovationQuantisation;
  /** q_m, the client's last upload (zeros before the first). */
  readonly lastUpload: Float32Array;
  /** True when the client has never uploaded: the skip rules always let a first upload through. */
  readonly firstUpload: boolean;
}

/**
 * Quantises `update` around the client's last upload q_m (from the compressor's `memory`) without
 * touching memory: the skip rule judges this upload, and the client may not send it.
 */
export function prepareGridUpload(update: Float32Array, context: EncodeContext, rule: BitWidthRule): GridUpload {
  const lastUpload = readLastUpload(context.memory, update.length);
  const quantisation = quantiseInnovation(context.backend, update, lastUpload, rule);
  return { decoded: quantisation.quantised, quantisation, lastUpload, firstUpload: !hasLastUpload(context.memory) };
}

/** Whether a prepared upload came from a grid compressor. */
export function isGridUpload(prepared: PreparedUpload | undefined): prepared is GridUpload {
  return prepared !== undefined && 'quantisation' in prepared && 'lastUpload' in prepared && 'firstUpload' in prepared;
}

/**
 * The grid upload a lazy skip rule judges.
 * @throws ConfigError when the run's compressor did not prepare one (the engine refuses such a
 *   pairing before round 0; this guards callers that build contexts by hand).
 */
export function gridUploadOf(context: UploadContext, selector: string, compressor: string): GridUpload {
  if (!isGridUpload(context.prepared)) {
    throw new ConfigError(`selector ${selector} judges the upload the ${compressor} compressor prepares, and none came; set compressor to "${compressor}"`);
  }
  return context.prepared;
}
