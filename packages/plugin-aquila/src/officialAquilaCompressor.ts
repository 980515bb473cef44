import type { CompressionContext, Compressor, EncodeContext, PreparedUpload } from '@fedtune/core';
import { type GridUpload, isGridUpload, prepareGridUpload } from './gridUpload.js';
import type { BitWidthRule } from './innovationQuantiser.js';
import { writeLastUpload } from './lastUpload.js';
import { decodeOfficialPayload, encodeOfficialPayload } from './officialPayload.js';
import type { UploadBitsLog } from './uploadBitsLog.js';

/**
 * AQUILA as its official code runs it: each device quantises its update on the grid centred on its
 * last upload q_m, and that quantised vector serves only the skip rule (which judges it) and the bit
 * count (b·d per upload); what the server receives and averages is the device's full-precision
 * update. The payload therefore carries the update as fp32 plus the b the rule chose (10 + 4·d
 * bytes), and the ledger counts those bytes; the b·d the paper's accounting charges goes to the
 * optional {@link UploadBitsLog}.
 *
 * Only the client keeps q_m (it moves to the quantised vector at each upload, as the official
 * code's `mgr = gr`): the server never needs it, so a lost upload cannot put two copies out of step,
 * and any channel works. The server averages this round's uploads and reuses nothing, as the
 * official code's `federation.combine` does: core's `fedavg` does that (weighting `uniform` is the
 * official code's unweighted mean), while the `aquila` aggregator re-applies stored uploads of
 * skipped devices, which here would be full-precision vectors the client's q_m no longer matches.
 */
export class OfficialAquilaCompressor implements Compressor {
  readonly name = 'aquila';
  readonly requires = {
    partners: { aggregator: ['fedavg'] },
    reason: 'its protocol has the server average the full-precision updates of this round\'s uploaders and reuse none (weighting "uniform" is the official code\'s mean)',
  };

  /**
   * @param rule the bit width of the quantised vector the skip rule judges and the accounting charges.
   * @param bitsLog where the server notes each decoded upload's b·d, if anywhere.
   */
  constructor(
    readonly rule: BitWidthRule,
    private readonly bitsLog?: UploadBitsLog,
  ) {}

  /** Quantises `update` around q_m for the skip rule; the server will decode `update` itself. */
  prepare(update: Float32Array, context: EncodeContext): GridUpload {
    return { ...prepareGridUpload(update, context, this.rule), decoded: update };
  }

  encode(update: Float32Array, context: EncodeContext, prepared?: PreparedUpload): Uint8Array {
    const upload = isGridUpload(prepared) ? prepared : this.prepare(update, context);
    writeLastUpload(context.memory, upload.quantisation.quantised);
    return encodeOfficialPayload(upload.quantisation.bits, update);
  }

  decode(payload: Uint8Array, length: number, context: CompressionContext): Float32Array {
    const { bits, update } = decodeOfficialPayload(payload, length);
    this.bitsLog?.write({
      round: context.round,
      clientId: context.clientId,
      bits,
      values: length,
      payloadBytes: payload.byteLength,
    });
    return update;
  }
}
