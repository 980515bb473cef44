import { describe, expect, it } from 'vitest';
import { encodeFloat32Payload } from '../../../src/wire/float32Payload.js';
import { decodeMessage, encodeMessage, type ProtocolMessage } from '../../../src/wire/protocol/index.js';

// The byte tables of docs/PROTOCOL.md, written out by hand: if the code or the document changes, this fails.
const MAGIC_V1 = [0x46, 0x54, 0x57, 0x50, 1]; // "FTWP", version 1
const FP32_HEADER_ONE_VALUE = [0x46, 0x50, 0x33, 0x32, 1, 1, 0, 0, 0]; // "FP32", version 1, 1 value

describe('protocol byte layout (docs/PROTOCOL.md)', () => {
  it('assign: address, flags, start payload, previous global payload', () => {
    const assign: ProtocolMessage = {
      type: 'assign',
      runIndex: 1,
      round: 2,
      clientId: 258,
      slot: 0,
      forced: true,
      start: encodeFloat32Payload(Float32Array.of(1.5)),
      previousGlobal: encodeFloat32Payload(Float32Array.of(0.5)),
    };
    // prettier-ignore
    const expected = [
      ...MAGIC_V1,
      5, // type: assign
      1, 0, 0, 0, // run index 1
      2, 0, 0, 0, // round 2
      2, 1, 0, 0, // client id 258
      0, 0, 0, 0, // slot 0
      0b11, // flags: forced, previous global present
      13, 0, 0, 0, // start: 13 bytes
      ...FP32_HEADER_ONE_VALUE, 0x00, 0x00, 0xc0, 0x3f, // 1.5
      13, 0, 0, 0, // previous global: 13 bytes
      ...FP32_HEADER_ONE_VALUE, 0x00, 0x00, 0x00, 0x3f, // 0.5
    ];
    expect(Array.from(encodeMessage(assign))).toEqual(expected);
    expect(decodeMessage(Uint8Array.from(expected))).toEqual(assign);
  });

  it('runStart: run index, label, flags, restore round; roundEnd: run index, round, flags', () => {
    const runStart: ProtocolMessage = { type: 'runStart', runIndex: 1, label: 'ab', restoreRound: 4 };
    // prettier-ignore
    const expectedRunStart = [
      ...MAGIC_V1,
      4, // type: runStart
      1, 0, 0, 0, // run index 1
      2, 0, 0, 0, 0x61, 0x62, // label "ab"
      0b1, // flags: restore round present
      4, 0, 0, 0, // restore round 4
    ];
    expect(Array.from(encodeMessage(runStart))).toEqual(expectedRunStart);
    expect(decodeMessage(Uint8Array.from(expectedRunStart))).toEqual(runStart);
    const keep = encodeMessage({ type: 'runStart', runIndex: 1, label: 'ab' });
    expect(Array.from(keep)).toEqual(expectedRunStart.slice(0, -5).concat(0));

    const roundEnd: ProtocolMessage = { type: 'roundEnd', runIndex: 0, round: 3, checkpoint: true };
    // prettier-ignore
    const expectedRoundEnd = [
      ...MAGIC_V1,
      7, // type: roundEnd
      0, 0, 0, 0, // run index 0
      3, 0, 0, 0, // round 3
      0b1, // flags: checkpoint written after this round
    ];
    expect(Array.from(encodeMessage(roundEnd))).toEqual(expectedRoundEnd);
    expect(decodeMessage(Uint8Array.from(expectedRoundEnd))).toEqual(roundEnd);
  });

  it('upload: address, outcome, loss, samples, values, payload', () => {
    const upload: ProtocolMessage = {
      type: 'upload',
      runIndex: 0,
      round: 7,
      clientId: 3,
      slot: 1,
      outcome: 'sent',
      loss: 0.25,
      samples: 60,
      values: 3,
      payload: Uint8Array.of(0xaa, 0xbb, 0xcc),
    };
    // prettier-ignore
    const expected = [
      ...MAGIC_V1,
      6, // type: upload
      0, 0, 0, 0, // run index 0
      7, 0, 0, 0, // round 7
      3, 0, 0, 0, // client id 3
      1, 0, 0, 0, // slot 1
      0, // outcome: sent
      0, 0, 0, 0, 0, 0, 0xd0, 0x3f, // loss 0.25 as float64
      60, 0, 0, 0, // samples
      3, 0, 0, 0, // values
      3, 0, 0, 0, // payload: 3 bytes
      0xaa, 0xbb, 0xcc,
    ];
    expect(Array.from(encodeMessage(upload))).toEqual(expected);
    expect(decodeMessage(Uint8Array.from(expected))).toEqual(upload);
  });

  it('diverged upload: a reason in place of the payload; skipped: nothing after values', () => {
    const base = { type: 'upload', runIndex: 0, round: 0, clientId: 0, slot: 0, loss: 0, samples: 1, values: 2 } as const;
    const afterAddress = 6 + 16;
    const diverged = encodeMessage({ ...base, outcome: 'diverged', reason: 'NaN' });
    // prettier-ignore
    expect(Array.from(diverged.subarray(afterAddress))).toEqual([
      2, // outcome: diverged
      0, 0, 0, 0, 0, 0, 0, 0, // loss 0
      1, 0, 0, 0, // samples
      2, 0, 0, 0, // values
      3, 0, 0, 0, 0x4e, 0x61, 0x4e, // reason "NaN"
    ]);
    const skipped = encodeMessage({ ...base, outcome: 'skipped' });
    // prettier-ignore
    expect(Array.from(skipped.subarray(afterAddress))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
  });
});
