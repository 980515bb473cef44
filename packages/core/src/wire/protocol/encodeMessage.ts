import {
  clientCountProblem,
  fingerprintProblem,
  lossProblem,
  MAX_FINGERPRINT_CHARS,
  MAX_TEXT_BYTES,
  MAX_TOKEN_BYTES,
  MAX_VERSION_BYTES,
} from './fieldRules.js';
import { FrameWriter } from './frameWriter.js';
import {
  ASSIGN_FLAGS,
  MESSAGE_TYPE_CODES,
  PROTOCOL_ERROR_CODES,
  REFUSAL_REASONS,
  ROUND_END_FLAGS,
  RUN_START_FLAGS,
  UPLOAD_OUTCOMES,
  type AssignMessage,
  type ProtocolMessage,
  type UploadMessage,
} from './messages.js';

/**
 * One protocol message as one binary WebSocket frame (layouts in `docs/PROTOCOL.md`).
 * @throws RangeError when a field is out of range (not a uint32, a non-finite loss, text over its
 *   limit or not representable as UTF-8, a fingerprint that is not lowercase hex): the decoder would
 *   refuse such a frame, so it is never written.
 */
export function encodeMessage(message: ProtocolMessage): Uint8Array {
  const typeCode = MESSAGE_TYPE_CODES[message.type] as number | undefined;
  if (typeCode === undefined) throw new RangeError(`unknown protocol message type "${String(message.type)}"`);
  const frame = new FrameWriter(`${message.type} message`).envelope(typeCode);
  switch (message.type) {
    case 'join':
      frame.check(clientCountProblem(message.clients.length));
      frame.text('coreVersion', message.coreVersion, MAX_VERSION_BYTES).uint32('client count', message.clients.length);
      for (const { clientId, token } of message.clients) {
        frame.uint32('clientId', clientId).text('token', token, MAX_TOKEN_BYTES);
      }
      break;
    case 'welcome':
      frame.check(fingerprintProblem(message.fingerprint));
      frame
        .text('experimentJson', message.experimentJson)
        .text('fingerprint', message.fingerprint, MAX_FINGERPRINT_CHARS)
        .uint32('client count', message.clientIds.length);
      for (const clientId of message.clientIds) frame.uint32('clientId', clientId);
      break;
    case 'refused':
      frame.code('reason', REFUSAL_REASONS, message.reason).text('message', message.message, MAX_TEXT_BYTES);
      break;
    case 'runStart':
      frame
        .uint32('runIndex', message.runIndex)
        .text('label', message.label, MAX_TEXT_BYTES)
        .uint8(message.restoreRound === undefined ? 0 : RUN_START_FLAGS.restore);
      if (message.restoreRound !== undefined) frame.uint32('restoreRound', message.restoreRound);
      break;
    case 'assign':
      writeAssign(frame, message);
      break;
    case 'upload':
      writeUpload(frame, message);
      break;
    case 'roundEnd':
      frame
        .uint32('runIndex', message.runIndex)
        .uint32('round', message.round)
        .uint8(message.checkpoint ? ROUND_END_FLAGS.checkpoint : 0);
      break;
    case 'finish':
      break;
    case 'error':
      frame.code('code', PROTOCOL_ERROR_CODES, message.code).text('message', message.message, MAX_TEXT_BYTES);
      break;
  }
  return frame.finish();
}

/** Run index, round, client id and slot: where an `assign` or `upload` belongs. */
function writeSlotAddress(frame: FrameWriter, message: AssignMessage | UploadMessage): FrameWriter {
  return frame
    .uint32('runIndex', message.runIndex)
    .uint32('round', message.round)
    .uint32('clientId', message.clientId)
    .uint32('slot', message.slot);
}

function writeAssign(frame: FrameWriter, message: AssignMessage): void {
  const flags =
    (message.forced ? ASSIGN_FLAGS.forced : 0) |
    (message.previousGlobal !== undefined ? ASSIGN_FLAGS.previousGlobal : 0);
  writeSlotAddress(frame, message).uint8(flags).sized(message.start);
  if (message.previousGlobal !== undefined) frame.sized(message.previousGlobal);
}

function writeUpload(frame: FrameWriter, message: UploadMessage): void {
  frame.check(lossProblem(message.loss));
  writeSlotAddress(frame, message)
    .code('outcome', UPLOAD_OUTCOMES, message.outcome)
    .float64(message.loss)
    .uint32('samples', message.samples)
    .uint32('values', message.values);
  if (message.outcome === 'sent') frame.sized(message.payload);
  else if (message.outcome === 'diverged') frame.text('reason', message.reason, MAX_TEXT_BYTES);
}
