/**
 * The limits and rules a frame's fields obey, shared by the encoder (which refuses to write a frame
 * the decoder would refuse) and the decoder. Each rule returns the problem in words, or `undefined`.
 */

/** Magic (4), version (1) and message type (1). */
export const ENVELOPE_BYTES = 6;

/** Longest token, in UTF-8 bytes; the cap keeps a join frame's size bounded. */
export const MAX_TOKEN_BYTES = 256;

/** Longest version string, in UTF-8 bytes. */
export const MAX_VERSION_BYTES = 256;

/** Longest human-readable text (a message, a run label, a divergence reason), in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 4096;

/** Longest experiment fingerprint, in hex digits (a SHA-256 takes 64). */
export const MAX_FINGERPRINT_CHARS = 128;

const UINT32_MAX = 0xffff_ffff;

/** A UTF-16 code unit not part of a pair, which UTF-8 cannot carry (the `u` flag matches only lone ones). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const LOWERCASE_HEX = /^[0-9a-f]+$/;

export function uint32Problem(field: string, value: number): string | undefined {
  return Number.isInteger(value) && value >= 0 && value <= UINT32_MAX
    ? undefined
    : `${field} is ${value}, not an integer in 0..${UINT32_MAX}`;
}

export function lengthProblem(field: string, bytes: number, maxBytes: number): string | undefined {
  return bytes <= maxBytes ? undefined : `${field} is ${bytes} bytes long, at most ${maxBytes} are allowed`;
}

/** Text that UTF-8 cannot represent would not come back as it was sent. */
export function wellFormedProblem(field: string, text: string): string | undefined {
  return LONE_SURROGATE.test(text) ? `${field} holds a lone UTF-16 surrogate, which UTF-8 cannot carry` : undefined;
}

export function fingerprintProblem(fingerprint: string): string | undefined {
  return LOWERCASE_HEX.test(fingerprint) ? undefined : `fingerprint "${fingerprint.slice(0, 40)}" is not lowercase hex`;
}

/** A loss the simulation could not have produced: its trainer throws on a non-finite loss. */
export function lossProblem(loss: number): string | undefined {
  return Number.isFinite(loss) ? undefined : `loss is ${loss}, not a finite number`;
}

export function clientCountProblem(count: number): string | undefined {
  return count >= 1 ? undefined : 'speaks for no client id: a join names at least one';
}
