export { decodeMessage } from './decodeMessage.js';
export { encodeMessage } from './encodeMessage.js';
export { MAX_FINGERPRINT_CHARS, MAX_TEXT_BYTES, MAX_TOKEN_BYTES, MAX_VERSION_BYTES } from './fieldRules.js';
export { maxFrameBytes, uploadPayloadBound, type FrameLimits } from './frameSize.js';
export * from './messages.js';
