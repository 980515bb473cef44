import { float32PayloadBytes } from '../float32Payload.js';
import {
  ENVELOPE_BYTES,
  MAX_FINGERPRINT_CHARS,
  MAX_TEXT_BYTES,
  MAX_TOKEN_BYTES,
  MAX_VERSION_BYTES,
} from './fieldRules.js';

/**
 * Room for a compressor's header above the float32 payload's own 9 bytes. The largest header
 * written today is QSGD's (and AdaQuantFL's), 15 bytes.
 */
const COMPRESSOR_HEADER_ALLOWANCE = 64;

/**
 * How many times a compressed upload may exceed plain float32. The largest any compressor writes
 * today is SAFARI's sparse payload at sparsity 0: every value as fp32 plus a 1-bit-per-value bitmap,
 * 4.125 bytes a value; QSGD at 65,535 levels takes 17 bits (2.125 bytes), AQUILA and LAQ at most 16.
 */
const UPLOAD_BOUND_FACTOR = 2;

const UINT8_BYTES = 1;
const UINT32_BYTES = 4;
const FLOAT64_BYTES = 8;

/** A uint32 length prefix and `bytes` bytes. */
const sized = (bytes: number): number => UINT32_BYTES + bytes;

/**
 * A bound on the uplink payload any core or plugin compressor writes for a vector of
 * `vectorLength` values, without asking the compressor: twice the float32 payload plus a header
 * allowance (see `docs/PROTOCOL.md`, "Size limit").
 */
export function uploadPayloadBound(vectorLength: number): number {
  return UPLOAD_BOUND_FACTOR * (float32PayloadBytes(vectorLength) + COMPRESSOR_HEADER_ALLOWANCE);
}

/** What bounds an experiment's frames. */
export interface FrameLimits {
  /**
   * The longest vector any slot trains: the adapter's flat parameter count, the largest over the
   * main run and its `compare` entries.
   */
  vectorLength: number;
  /** UTF-8 bytes of the experiment JSON the `welcome` carries. */
  experimentJsonBytes: number;
  /** Clients in the experiment: the most client ids a `join` or `welcome` lists. */
  clientCount: number;
  /**
   * The largest payload the compressor may write for `vectorLength` values; defaults to
   * {@link uploadPayloadBound}, which needs no compressor's cooperation.
   */
  largestUploadBytes?: number;
}

/**
 * The largest legal frame of an experiment, in bytes, either way: a side sets its WebSocket's
 * `maxPayload` to it and refuses anything larger before reading it.
 * @throws RangeError when a limit is not a non-negative integer.
 */
export function maxFrameBytes(limits: FrameLimits): number {
  const { vectorLength, experimentJsonBytes, clientCount } = limits;
  const largestUploadBytes = limits.largestUploadBytes ?? uploadPayloadBound(vectorLength);
  for (const [name, value] of Object.entries({ vectorLength, experimentJsonBytes, clientCount, largestUploadBytes })) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`maxFrameBytes: ${name} is ${value}, not an integer ≥ 0`);
    }
  }
  const slotAddress = 4 * UINT32_BYTES; // run index, round, client id, slot
  const join =
    ENVELOPE_BYTES + sized(MAX_VERSION_BYTES) + UINT32_BYTES + clientCount * (UINT32_BYTES + sized(MAX_TOKEN_BYTES));
  const welcome =
    ENVELOPE_BYTES +
    sized(experimentJsonBytes) +
    sized(MAX_FINGERPRINT_CHARS) +
    UINT32_BYTES +
    clientCount * UINT32_BYTES;
  const assign = ENVELOPE_BYTES + slotAddress + UINT8_BYTES + 2 * sized(float32PayloadBytes(vectorLength));
  const upload =
    ENVELOPE_BYTES +
    slotAddress +
    UINT8_BYTES + // outcome
    FLOAT64_BYTES + // loss
    2 * UINT32_BYTES + // samples, values
    sized(Math.max(largestUploadBytes, MAX_TEXT_BYTES)); // the payload, or a divergence reason
  // refused, error and runStart carry less besides their text than an upload does besides its
  // reason; roundEnd and finish carry no text: none of them is ever the largest.
  return Math.max(join, welcome, assign, upload);
}
