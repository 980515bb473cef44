/**
 * Byte-level tokens: a text is its UTF-8 bytes (tokens 0–255), preceded by {@link BOS_TOKEN} and
 * padded on the right with {@link PAD_TOKEN}. Any language and any symbol encode without an
 * unknown token, and the vocabulary stays small enough for a tiny model's embedding table.
 */

/** Fills positions after the end of a text; models read an example at its last non-pad position. */
export const PAD_TOKEN = 256;
/** Marks the start of a text, so the first byte has a context to be predicted from. */
export const BOS_TOKEN = 257;
/** Tokens in the vocabulary: 256 bytes, PAD and BOS. */
export const BYTE_VOCABULARY_SIZE = 258;
/** Distinct next-token targets: bytes only (PAD and BOS are never predicted). */
export const BYTE_CLASSES = 256;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** The UTF-8 bytes of `text`. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The text of UTF-8 `bytes`; a sequence cut inside a character decodes to U+FFFD there. */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** The token sequence of a text: BOS, then its UTF-8 bytes. */
export function textTokens(text: string): Uint16Array {
  const bytes = encodeUtf8(text);
  const tokens = new Uint16Array(bytes.length + 1);
  tokens[0] = BOS_TOKEN;
  tokens.set(bytes, 1);
  return tokens;
}

/**
 * Writes `tokens` (cut to `length`) into `target` at `offset` as float token ids, the form feature
 * sets store, and pads the rest of the `length` positions with `pad` (PAD by default).
 */
export function writePaddedTokens(
  target: Float32Array,
  offset: number,
  tokens: ArrayLike<number>,
  length: number,
  pad: number = PAD_TOKEN,
): void {
  const kept = Math.min(tokens.length, length);
  for (let i = 0; i < kept; i++) target[offset + i] = tokens[i] as number;
  target.fill(pad, offset + kept, offset + length);
}
