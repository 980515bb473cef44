import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../src/wire/byteCodec.js';
import {
  decodeMessage,
  encodeMessage,
  MAX_TEXT_BYTES,
  MAX_TOKEN_BYTES,
  MESSAGE_TYPE_CODES,
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  type ProtocolMessage,
  type UploadMessage,
} from '../../../src/wire/protocol/index.js';
import { decodesOrRefuses, payloadErrorOf, protocolMessage } from './arbitraries.js';

/** The envelope of a frame of `type` (magic, this version, type code), to hand-build a body after it. */
const envelope = (type: keyof typeof MESSAGE_TYPE_CODES, version = PROTOCOL_VERSION) =>
  new ByteWriter().header(PROTOCOL_MAGIC, version).uint8(MESSAGE_TYPE_CODES[type]);

const upload: UploadMessage = {
  type: 'upload',
  runIndex: 0,
  round: 3,
  clientId: 4,
  slot: 0,
  outcome: 'sent',
  loss: 0.5,
  samples: 60,
  values: 3,
  payload: Uint8Array.of(1, 2, 3),
};

/** Fuzzing runs more cases than a round trip: most random frames fail early. */
const FUZZ = { numRuns: 1000 };

/** Offset of the upload's loss: envelope (6), slot address (16), outcome (1). */
const LOSS_OFFSET = 23;

describe('protocol codec: round trip', () => {
  test.prop([protocolMessage])(
    'decodes every message to what was encoded, and re-encodes to the same bytes',
    (message) => {
      const frame = encodeMessage(message);
      const decoded = decodeMessage(frame);
      expect(decoded).toEqual(message);
      expect(encodeMessage(decoded)).toEqual(frame);
    },
  );

  it('keeps a leading byte-order mark, astral characters and -0', () => {
    const refused: ProtocolMessage = { type: 'refused', reason: 'bad-token', message: '\uFEFF🔑 nope' };
    expect(decodeMessage(encodeMessage(refused))).toEqual(refused);
    const decoded = decodeMessage(encodeMessage({ ...upload, loss: -0 })) as UploadMessage;
    expect(Object.is(decoded.loss, -0)).toBe(true);
  });

  it('leaves previousGlobal out of an assign that carried none', () => {
    const assign = decodeMessage(
      encodeMessage({
        type: 'assign',
        runIndex: 0,
        round: 0,
        clientId: 1,
        slot: 0,
        forced: false,
        start: Uint8Array.of(9),
      }),
    );
    expect('previousGlobal' in assign).toBe(false);
  });
});

describe('protocol codec: malformed frames', () => {
  it('refuses a frame without the magic, naming the bytes it found', () => {
    expect(payloadErrorOf(() => decodeMessage(new TextEncoder().encode('GET / HTTP/1.1')))).toBe(
      'fedtune frame: starts with bytes 47 45 54 20, not "FTWP": the peer does not speak the fedtune protocol',
    );
    expect(payloadErrorOf(() => decodeMessage(new Uint8Array(0)))).toMatch(/truncated/);
  });

  it('refuses an unknown version, naming the versions this side speaks', () => {
    const frame = envelope('finish', 2).finish();
    expect(payloadErrorOf(() => decodeMessage(frame))).toBe(
      'fedtune frame: protocol version 2, this side speaks version 1: run the same fedtune version on server and clients',
    );
  });

  it('refuses an unknown message type', () => {
    for (const code of [0, 10, 255]) {
      const frame = new ByteWriter().header(PROTOCOL_MAGIC, PROTOCOL_VERSION).uint8(code).finish();
      expect(payloadErrorOf(() => decodeMessage(frame))).toBe(
        `fedtune frame: unknown message type ${code} (version 1 has 1..9)`,
      );
    }
  });

  it('refuses every truncation and trailing bytes', () => {
    const frame = encodeMessage(upload);
    for (let length = 0; length < frame.length; length++) {
      payloadErrorOf(() => decodeMessage(frame.subarray(0, length)));
    }
    expect(payloadErrorOf(() => decodeMessage(Uint8Array.of(...frame, 0)))).toBe(
      'fedtune upload frame: 1 unexpected trailing bytes in payload',
    );
  });

  it('refuses counts and lengths larger than the frame before allocating for them', () => {
    const join = envelope('join').uint32(1).uint8(49).uint32(0xffff_ffff).finish();
    expect(payloadErrorOf(() => decodeMessage(join))).toBe(
      'fedtune join frame: client count 4294967295 needs at least 34359738360 bytes, the frame has 0 left',
    );
    const welcome = envelope('welcome')
      .uint32(2)
      .bytes(Uint8Array.of(123, 125))
      .uint32(2)
      .bytes(Uint8Array.of(97, 98))
      .uint32(3)
      .uint32(7)
      .finish();
    expect(payloadErrorOf(() => decodeMessage(welcome))).toBe(
      'fedtune welcome frame: client count 3 needs at least 12 bytes, the frame has 4 left',
    );
    const sent = encodeMessage(upload);
    new DataView(sent.buffer).setUint32(sent.length - 7, 1_000_000, true);
    expect(payloadErrorOf(() => decodeMessage(sent))).toBe(
      'fedtune upload frame: payload claims 1000000 bytes, the frame has 3 left',
    );
  });

  it('refuses a non-finite loss', () => {
    for (const loss of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const frame = encodeMessage(upload);
      new DataView(frame.buffer).setFloat64(LOSS_OFFSET, loss, true);
      expect(payloadErrorOf(() => decodeMessage(frame))).toBe(
        `fedtune upload frame: loss is ${loss}, not a finite number`,
      );
    }
  });

  it('refuses text that is not UTF-8: invalid bytes, an encoded surrogate, an overlong form', () => {
    for (const bad of [[0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x61, 0xe2, 0x82]]) {
      const frame = envelope('error').uint8(0).uint32(bad.length).bytes(Uint8Array.from(bad)).finish();
      expect(payloadErrorOf(() => decodeMessage(frame))).toBe('fedtune error frame: message is not valid UTF-8');
    }
  });

  it('refuses text over its limit, an unknown enum code or flag bit, a join for nobody and a fingerprint not in hex', () => {
    const token = new Uint8Array(MAX_TOKEN_BYTES + 1).fill(97);
    const longToken = envelope('join')
      .uint32(1)
      .uint8(49)
      .uint32(1)
      .uint32(0)
      .uint32(token.length)
      .bytes(token)
      .finish();
    expect(payloadErrorOf(() => decodeMessage(longToken))).toBe(
      `fedtune join frame: token is ${MAX_TOKEN_BYTES + 1} bytes long, at most ${MAX_TOKEN_BYTES} are allowed`,
    );
    const longLabel = envelope('runStart')
      .uint32(0)
      .uint32(MAX_TEXT_BYTES + 1)
      .finish();
    expect(payloadErrorOf(() => decodeMessage(longLabel))).toMatch(/label is 4097 bytes long, at most 4096/);
    expect(payloadErrorOf(() => decodeMessage(envelope('refused').uint8(7).uint32(0).finish()))).toBe(
      'fedtune refused frame: unknown reason code 7 (this version knows 0..6)',
    );
    const badOutcome = encodeMessage(upload);
    badOutcome[LOSS_OFFSET - 1] = 3;
    expect(payloadErrorOf(() => decodeMessage(badOutcome))).toMatch(
      /unknown outcome code 3 \(this version knows 0..2\)/,
    );
    const badFlags = envelope('assign').uint32(0).uint32(0).uint32(0).uint32(0).uint8(0b101).uint32(0).finish();
    expect(payloadErrorOf(() => decodeMessage(badFlags))).toBe(
      'fedtune assign frame: flags set bits 0b100, which this version does not define',
    );
    const badRunStartFlags = envelope('runStart').uint32(0).uint32(0).uint8(0b10).finish();
    expect(payloadErrorOf(() => decodeMessage(badRunStartFlags))).toBe(
      'fedtune runStart frame: flags set bits 0b10, which this version does not define',
    );
    const badRoundEndFlags = envelope('roundEnd').uint32(0).uint32(0).uint8(0b11).finish();
    expect(payloadErrorOf(() => decodeMessage(badRoundEndFlags))).toBe(
      'fedtune roundEnd frame: flags set bits 0b10, which this version does not define',
    );
    const nobody = envelope('join').uint32(1).uint8(49).uint32(0).finish();
    expect(payloadErrorOf(() => decodeMessage(nobody))).toBe(
      'fedtune join frame: speaks for no client id: a join names at least one',
    );
    const upperHex = envelope('welcome')
      .uint32(2)
      .bytes(Uint8Array.of(123, 125))
      .uint32(2)
      .bytes(Uint8Array.of(65, 66))
      .uint32(0)
      .finish();
    expect(payloadErrorOf(() => decodeMessage(upperHex))).toBe(
      'fedtune welcome frame: fingerprint "AB" is not lowercase hex',
    );
  });

  test.prop([fc.uint8Array({ maxLength: 200 })], FUZZ)(
    'random bytes: a PayloadError, never another exception',
    (bytes) => {
      decodesOrRefuses(() => decodeMessage(bytes));
    },
  );

  test.prop([fc.integer({ min: 0, max: 11 }), fc.uint8Array({ maxLength: 200 })], FUZZ)(
    'random bodies after a valid envelope: a PayloadError or a message that re-encodes to the same bytes',
    (code, body) => {
      const frame = new ByteWriter().header(PROTOCOL_MAGIC, PROTOCOL_VERSION).uint8(code).bytes(body).finish();
      const decoded = decodesOrRefuses(() => decodeMessage(frame));
      if (decoded !== undefined) expect(encodeMessage(decoded)).toEqual(frame);
    },
  );

  test.prop([protocolMessage, fc.nat(), fc.integer({ min: 0, max: 7 })], FUZZ)(
    'a bit flipped in a valid frame: a PayloadError or a message that re-encodes to the same bytes',
    (message, at, bit) => {
      const frame = encodeMessage(message);
      const index = at % frame.length;
      frame[index] = (frame[index] as number) ^ (1 << bit);
      const decoded = decodesOrRefuses(() => decodeMessage(frame));
      if (decoded !== undefined) expect(encodeMessage(decoded)).toEqual(frame);
    },
  );

  test.prop([protocolMessage, fc.nat()])('a truncated valid frame: always a PayloadError', (message, cut) => {
    const frame = encodeMessage(message);
    payloadErrorOf(() => decodeMessage(frame.subarray(0, cut % frame.length)));
  });
});

describe('protocol codec: encoding', () => {
  it('refuses to write a frame the decoder would refuse, naming the field', () => {
    expect(() => encodeMessage({ ...upload, loss: Number.NaN })).toThrow(
      new RangeError('upload message: loss is NaN, not a finite number'),
    );
    expect(() => encodeMessage({ ...upload, round: -1 })).toThrow(
      /upload message: round is -1, not an integer in 0..4294967295/,
    );
    expect(() => encodeMessage({ ...upload, samples: 1.5 })).toThrow(/samples is 1.5/);
    expect(() => encodeMessage({ type: 'runStart', runIndex: 0, label: 'x'.repeat(MAX_TEXT_BYTES + 1) })).toThrow(
      /runStart message: label is 4097 bytes long, at most 4096/,
    );
    expect(() => encodeMessage({ type: 'error', code: 'malformed', message: 'a\uD800b' })).toThrow(
      /lone UTF-16 surrogate/,
    );
    expect(() => encodeMessage({ type: 'join', coreVersion: '0.1.0', clients: [] })).toThrow(/speaks for no client id/);
    expect(() => encodeMessage({ type: 'welcome', experimentJson: '{}', fingerprint: 'ABC', clientIds: [] })).toThrow(
      /not lowercase hex/,
    );
    expect(() => encodeMessage({ type: 'refused', reason: 'nope' as 'malformed', message: '' })).toThrow(
      /reason "nope" is none of bad-token, unknown-client/,
    );
    expect(() => encodeMessage({ type: 'hello' } as unknown as ProtocolMessage)).toThrow(
      /unknown protocol message type "hello"/,
    );
  });
});
