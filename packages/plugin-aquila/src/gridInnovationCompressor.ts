import type { CompressionContext, Compressor, EncodeContext, PreparedUpload } from '@fedtune/core';
import { PayloadError } from '@fedtune/core';
import { decodeGridPayload, encodeGridPayload } from './gridPayload.js';
import { type GridUpload, isGridUpload, prepareGridUpload } from './gridUpload.js';
import type { BitWidthRule } from './innovationQuantiser.js';
import { readLastUpload, writeLastUpload } from './lastUpload.js';
import type { UploadBitsLog } from './uploadBitsLog.js';

/**
 * The LAQ/AQUILA compressor that sends the quantised upload itself, and whose decoded (quantised)
 * update is what the server aggregates: LAQ's protocol, and for AQUILA fedtune's stricter test of
 * it (the `applied` protocol; the official code aggregates full precision, see
 * `OfficialAquilaCompressor`). Each upload is quantised on the deterministic grid centred on
 * the client's last upload q_m, and sent as a 14-byte header (tag, version, b, R as fp32, length)
 * plus the codes packed at b bits each. Client and server each keep q_m in their own memory and
 * move it to the dequantised upload, which both compute from the same payload. That needs every
 * upload to arrive (a lost one would leave the server's q_m behind the client's), so it requires
 * the `reliable` channel.
 */
export class GridInnovationCompressor implements Compressor {
  readonly requires = {
    partners: { channel: ['reliable'] },
    reason: "client and server move q_m with every upload, and a lost upload would put them out of step",
  };
  /**
   * @param name the registered name (`aquila` or `laq`).
   * @param tag the payload's 4-character tag, so the two never decode each other's bytes.
   * @param rule AQUILA's adaptive bit width, or LAQ's fixed one.
   * @param bitsLog where the server notes each decoded upload's b·d, if anywhere.
   */
  constructor(
    readonly name: string,
    private readonly tag: string,
    readonly rule: BitWidthRule,
    private readonly bitsLog?: UploadBitsLog,
  ) {}

  /** Quantises `update` around q_m without touching memory: the skip rule judges this upload. */
  prepare(update: Float32Array, context: EncodeContext): GridUpload {
    return prepareGridUpload(update, context, this.rule);
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
    this.bitsLog?.write({
      round: context.round,
      clientId: context.clientId,
      bits: grid.bits,
      values: length,
      payloadBytes: payload.byteLength,
    });
    return quantised.slice();
  }
}
