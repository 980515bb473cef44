import type { CompressionContext, Compressor, EncodeContext, PreparedUpload } from '@fedtune/core';
import { PayloadError } from '@fedtune/core';
import { decodeGridPayload, encodeGridPayload } from './gridPayload.js';
import { type GridUpload, isGridUpload } from './gridUpload.js';
import { quantiseInnovation, type BitWidthRule } from './innovationQuantiser.js';
import { hasLastUpload, readLastUpload, writeLastUpload } from './lastUpload.js';

/**
 * The LAQ/AQUILA compressor: each upload is quantised on the deterministic grid centred on the
 * client's last upload q_m, and sent as a 14-byte header (tag, version, b, R as fp32, length) plus
 * the codes packed at b bits each. Client and server each keep q_m in their own memory and move it
 * to the dequantised upload, which both compute from the same payload. That needs every upload to
 * arrive (a lost one would leave the server's q_m behind the client's), so it requires the
 * `reliable` channel.
 */
export class GridInnovationCompressor implements Compressor {
  readonly requires = {
    partners: { channel: ['reliable'] },
    reason: "client and server move q_m with every upload, and a lost upload would put them out of step",
  };
  /**
   * @param name the registered name (`aquila` or `laq`).
   * @param tag the payload's 4-character tag, so the two never decode each other's bytes.
   * @param rule `'aquila'` for b* per upload, or LAQ's fixed bit width.
   */
  constructor(readonly name: string, private readonly tag: string, readonly rule: BitWidthRule) {}

  /** Quantises `update` around q_m without touching memory: the skip rule judges this upload. */
  prepare(update: Float32Array, context: EncodeContext): GridUpload {
    const lastUpload = readLastUpload(context.memory, update.length);
    const quantisation = quantiseInnovation(context.backend, update, lastUpload, this.rule);
    return { decoded: quantisation.quantised, quantisation, lastUpload, firstUpload: !hasLastUpload(context.memory) };
  }

  encode(update: Float32Array, context: EncodeContext, prepared?: PreparedUpload): Uint8Array {
    const upload = isGridUpload(prepared) ? prepared : this.prepare(update, context);
    writeLastUpload(context.memory, upload.quantisation.quantised);
    return encodeGridPayload(this.tag, upload.quantisation, context.backend);
  }

  decode(payload: Uint8Array, length: number, context: CompressionContext): Float32Array {
    const grid = decodeGridPayload(this.tag, payload, length, context.backend);
    if (typeof this.rule === 'number' && grid.bits !== this.rule) {
      throw new PayloadError(`${this.tag} payload: sent with ${grid.bits} bits, receiver uses ${this.rule}`);
    }
    const quantised = context.backend.gridDequantize(grid, readLastUpload(context.memory, length), grid.bits);
    writeLastUpload(context.memory, quantised);
    return quantised.slice();
  }
}
