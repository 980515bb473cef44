import { FedtuneError, isFedtuneError, MAX_TEXT_BYTES, type ErrorMessage, type ProtocolErrorCode } from '@fedtune/core';

/** A frame from the server that breaks the protocol: the client answers with an `error` frame of this code and leaves. */
export class ProtocolViolation extends FedtuneError {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The `error` frame that tells the server why this client leaves: the violation's code, `malformed`
 * for a frame or payload that could not be read, `internal` when the client failed itself.
 */
export function errorFrameFor(error: unknown): ErrorMessage {
  const message = error instanceof Error ? error.message : String(error);
  const code: ProtocolErrorCode =
    error instanceof ProtocolViolation ? error.code : isFedtuneError(error, 'PayloadError') ? 'malformed' : 'internal';
  return { type: 'error', code, message: protocolText(message) };
}

/** `error` as an Error, for what was thrown without being one. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * `text` as a protocol text field takes it: at most {@link MAX_TEXT_BYTES} bytes of UTF-8, cut
 * between characters, and lone surrogates (which UTF-8 cannot carry) replaced.
 */
export function protocolText(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let end = Math.min(bytes.byteLength, MAX_TEXT_BYTES);
  // Back off continuation bytes so the cut never falls inside a character.
  while (end < bytes.byteLength && end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}
