import { fc } from '@fast-check/vitest';
import { expect } from 'vitest';
import { isFedtuneError } from '../../../src/errors.js';
import {
  MAX_FINGERPRINT_CHARS,
  PROTOCOL_ERROR_CODES,
  REFUSAL_REASONS,
  type ProtocolMessage,
  type UploadMessage,
} from '../../../src/wire/protocol/index.js';

/** Any uint32, the ends of the range included. */
export const uint32 = fc.oneof(
  fc.constantFrom(0, 1, 0xffff_ffff),
  fc
    .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }))
    .map(([high, low]) => high * 0x1_0000 + low),
);

/** Any well-formed text short enough for every text field: astral characters, controls, a BOM. */
export const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 20 }).map((rest) => `\uFEFF${rest}`),
);

const bytes = fc.uint8Array({ maxLength: 80 });

const fingerprint = fc.stringMatching(new RegExp(`^[0-9a-f]{1,${MAX_FINGERPRINT_CHARS}}$`));

const slotAddress = { runIndex: uint32, round: uint32, clientId: uint32, slot: uint32 };

const uploadFields = {
  type: fc.constant('upload' as const),
  ...slotAddress,
  loss: fc.double({ noNaN: true, noDefaultInfinity: true }),
  samples: uint32,
  values: uint32,
};

const upload: fc.Arbitrary<UploadMessage> = fc.oneof(
  fc.record({ ...uploadFields, outcome: fc.constant('sent' as const), payload: bytes }),
  fc.record({ ...uploadFields, outcome: fc.constant('skipped' as const) }),
  fc.record({ ...uploadFields, outcome: fc.constant('diverged' as const), reason: text }),
);

/** Every message type with arbitrary field values. */
export const protocolMessage: fc.Arbitrary<ProtocolMessage> = fc.oneof(
  fc.record({
    type: fc.constant('join' as const),
    coreVersion: text,
    clients: fc.array(fc.record({ clientId: uint32, token: text }), { minLength: 1, maxLength: 5 }),
  }),
  fc.record({
    type: fc.constant('welcome' as const),
    experimentJson: fc.oneof(text, fc.json()),
    fingerprint,
    clientIds: fc.array(uint32, { maxLength: 5 }),
  }),
  fc.record({ type: fc.constant('refused' as const), reason: fc.constantFrom(...REFUSAL_REASONS), message: text }),
  fc.record(
    { type: fc.constant('runStart' as const), runIndex: uint32, label: text, restoreRound: uint32 },
    { requiredKeys: ['type', 'runIndex', 'label'] },
  ),
  fc.record(
    {
      type: fc.constant('assign' as const),
      ...slotAddress,
      forced: fc.boolean(),
      start: bytes,
      previousGlobal: bytes,
    },
    { requiredKeys: ['type', 'runIndex', 'round', 'clientId', 'slot', 'forced', 'start'] },
  ),
  upload,
  fc.record({ type: fc.constant('roundEnd' as const), runIndex: uint32, round: uint32, checkpoint: fc.boolean() }),
  fc.constant({ type: 'finish' as const }),
  fc.record({ type: fc.constant('error' as const), code: fc.constantFrom(...PROTOCOL_ERROR_CODES), message: text }),
);

/** Runs `decode`; passes when it returns or throws a PayloadError, fails on any other exception. */
export function decodesOrRefuses<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch (error) {
    expect(isFedtuneError(error, 'PayloadError'), `not a PayloadError: ${String(error)}`).toBe(true);
    return undefined;
  }
}

/** The PayloadError `decode` throws (the test fails when it returns or throws anything else). */
export function payloadErrorOf(decode: () => unknown): string {
  let thrown: unknown;
  try {
    decode();
  } catch (error) {
    thrown = error;
  }
  expect(isFedtuneError(thrown, 'PayloadError'), `expected a PayloadError, got ${String(thrown)}`).toBe(true);
  return (thrown as Error).message;
}
