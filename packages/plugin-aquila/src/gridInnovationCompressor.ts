import { PayloadError, type CompressionContext, type Compressor, type EncodeContext } from '@fedtune/core';
import { decodeGridPayload, encodeGridPayload } from './gridPayload.js';
import { quantiseInnovation, type BitWidthRule } from './innovationQuantiser.js';
import { readLastUpload, writeLastUpload } from './lastUpload.js';

/**
 * The LAQ/AQUILA compressor: each upload is quantised on the deterministic grid centred on the
 * client's last upload q_m, and sent as a 14-byte header (tag, version, b, R as fp32, length) plus
 * the codes packed at b bits each. Client and server each keep q_m in their own memory and move it
 * to the dequantised upload, which both compute from the same payload; this assumes every upload
 * arrives (a lost one leaves the server's q_m behind the client's).
 */
export class GridInnovationCompressor implements Compressor {
  /**
   * @param name the registered name (`aquila` or `laq`).
   * @param tag the payload's 4-character tag, so the two never decode each other's bytes.
   * @param rule `'aquila'` for b* per upload, or LAQ's fixed bit width.
   */
  constructor(readonly name: string, private readonly tag: string, readonly rule: BitWidthRule) {}

  encode(update: Float32Array, context: EncodeContext): Uint8Array {
    const lastUpload = readLastUpload(context.memory, update.length);
    const upload = quantiseInnovation(context.backend, update, lastUpload, this.rule);
    writeLastUpload(context.memory, upload.quantised);
    return encodeGridPayload(this.tag, upload, context.backend);
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
