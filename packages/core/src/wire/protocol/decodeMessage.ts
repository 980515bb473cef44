import { PayloadError } from '../../errors.js';
import {
  clientCountProblem,
  ENVELOPE_BYTES,
  fingerprintProblem,
  lossProblem,
  MAX_FINGERPRINT_CHARS,
  MAX_TEXT_BYTES,
  MAX_TOKEN_BYTES,
  MAX_VERSION_BYTES,
} from './fieldRules.js';
import { FrameReader } from './frameReader.js';
import {
  ASSIGN_FLAGS,
  MESSAGE_TYPE_CODES,
  PROTOCOL_ERROR_CODES,
  PROTOCOL_MAGIC,
  REFUSAL_REASONS,
  ROUND_END_FLAGS,
  RUN_START_FLAGS,
  SUPPORTED_PROTOCOL_VERSIONS,
  UPLOAD_OUTCOMES,
  type AssignMessage,
  type ClientCredential,
  type ProtocolMessage,
  type ProtocolMessageType,
  type RoundEndMessage,
  type RunStartMessage,
  type UploadMessage,
} from './messages.js';

const TYPE_OF_CODE = new Map(
  Object.entries(MESSAGE_TYPE_CODES).map(([type, code]) => [code, type as ProtocolMessageType]),
);

/** Bytes a join entry takes at least: its client id and its token's length. */
const MIN_CREDENTIAL_BYTES = 8;

/** A client id, a round, a run index: a uint32. */
const UINT32_BYTES = 4;

/**
 * Reads one frame written by {@link encodeMessage}. Byte fields (payloads) are views into `frame`.
 * @throws PayloadError naming the problem — and never any other error — when the frame does not start
 *   with the protocol's magic, has a version this side does not speak, an unknown message type, a
 *   truncated body, trailing bytes, a count or length larger than the frame, an unknown enum code or
 *   flag bit, a non-finite loss, text over its limit or not UTF-8, a join without client ids or a
 *   fingerprint that is not lowercase hex.
 */
export function decodeMessage(frame: Uint8Array): ProtocolMessage {
  const type = readEnvelope(frame);
  const body = new FrameReader(frame, `fedtune ${type} frame`);
  body.bytes(ENVELOPE_BYTES);
  const message = readBody(type, body);
  body.end();
  return message;
}

/** Checks magic and version and names the message type. */
function readEnvelope(frame: Uint8Array): ProtocolMessageType {
  const envelope = new FrameReader(frame, 'fedtune frame');
  const magic = envelope.bytes(PROTOCOL_MAGIC.length);
  if (String.fromCharCode(...magic) !== PROTOCOL_MAGIC) {
    const hex = Array.from(magic, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
    envelope.fail(`starts with bytes ${hex}, not "${PROTOCOL_MAGIC}": the peer does not speak the fedtune protocol`);
  }
  const version = envelope.uint8();
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    envelope.fail(
      `protocol version ${version}, this side speaks version ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}: ` +
        'run the same fedtune version on server and clients',
    );
  }
  const code = envelope.uint8();
  const type = TYPE_OF_CODE.get(code);
  return type ?? envelope.fail(`unknown message type ${code} (version ${version} has 1..${TYPE_OF_CODE.size})`);
}

function readBody(type: ProtocolMessageType, body: FrameReader): ProtocolMessage {
  switch (type) {
    case 'join': {
      const coreVersion = body.text('coreVersion', MAX_VERSION_BYTES);
      const count = body.count('client', MIN_CREDENTIAL_BYTES);
      body.check(clientCountProblem(count));
      const clients: ClientCredential[] = [];
      for (let i = 0; i < count; i++) {
        clients.push({ clientId: body.uint32(), token: body.text('token', MAX_TOKEN_BYTES) });
      }
      return { type, coreVersion, clients };
    }
    case 'welcome': {
      const experimentJson = body.text('experimentJson');
      const fingerprint = body.text('fingerprint', MAX_FINGERPRINT_CHARS);
      body.check(fingerprintProblem(fingerprint));
      const clientIds = Array.from({ length: body.count('client', UINT32_BYTES) }, () => body.uint32());
      return { type, experimentJson, fingerprint, clientIds };
    }
    case 'refused':
      return { type, reason: body.code('reason', REFUSAL_REASONS), message: body.text('message', MAX_TEXT_BYTES) };
    case 'runStart':
      return readRunStart(body);
    case 'assign':
      return readAssign(body);
    case 'upload':
      return readUpload(body);
    case 'roundEnd':
      return readRoundEnd(body);
    case 'finish':
      return { type };
    case 'error':
      return { type, code: body.code('code', PROTOCOL_ERROR_CODES), message: body.text('message', MAX_TEXT_BYTES) };
  }
}

/** Run index, round, client id and slot, in this order. */
function readSlotAddress(body: FrameReader): Pick<AssignMessage, 'runIndex' | 'round' | 'clientId' | 'slot'> {
  return { runIndex: body.uint32(), round: body.uint32(), clientId: body.uint32(), slot: body.uint32() };
}

/** A flags byte whose bits are all among `known`. */
function readFlags(body: FrameReader, known: number): number {
  const flags = body.uint8();
  const unknownFlags = flags & ~known;
  if (unknownFlags !== 0) body.fail(`flags set bits 0b${unknownFlags.toString(2)}, which this version does not define`);
  return flags;
}

function readRunStart(body: FrameReader): RunStartMessage {
  const message: RunStartMessage = { type: 'runStart', runIndex: body.uint32(), label: body.text('label', MAX_TEXT_BYTES) };
  if (readFlags(body, RUN_START_FLAGS.restore) & RUN_START_FLAGS.restore) message.restoreRound = body.uint32();
  return message;
}

function readRoundEnd(body: FrameReader): RoundEndMessage {
  const runIndex = body.uint32();
  const round = body.uint32();
  const checkpoint = (readFlags(body, ROUND_END_FLAGS.checkpoint) & ROUND_END_FLAGS.checkpoint) !== 0;
  return { type: 'roundEnd', runIndex, round, checkpoint };
}

function readAssign(body: FrameReader): AssignMessage {
  const address = readSlotAddress(body);
  const flags = readFlags(body, ASSIGN_FLAGS.forced | ASSIGN_FLAGS.previousGlobal);
  const start = body.sized('start');
  const message: AssignMessage = { type: 'assign', ...address, forced: (flags & ASSIGN_FLAGS.forced) !== 0, start };
  if (flags & ASSIGN_FLAGS.previousGlobal) message.previousGlobal = body.sized('previousGlobal');
  return message;
}

function readUpload(body: FrameReader): UploadMessage {
  const address = readSlotAddress(body);
  const outcome = body.code('outcome', UPLOAD_OUTCOMES);
  const loss = body.float64();
  body.check(lossProblem(loss));
  const fields = { type: 'upload' as const, ...address, loss, samples: body.uint32(), values: body.uint32() };
  switch (outcome) {
    case 'sent':
      return { ...fields, outcome, payload: body.sized('payload') };
    case 'skipped':
      return { ...fields, outcome };
    case 'diverged':
      return { ...fields, outcome, reason: body.text('reason', MAX_TEXT_BYTES) };
  }
}
