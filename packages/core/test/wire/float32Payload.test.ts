import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../src/errors.js';
import { decodeFloat32Payload, encodeFloat32Payload } from '../../src/wire/float32Payload.js';

describe('float32 payload', () => {
  it('is a 9-byte header plus 4 little-endian bytes per value, decoded bit-exactly', () => {
    const values = Float32Array.of(1.5, -2.25, 0, 3e-40);
    const payload = encodeFloat32Payload(values);
    expect(payload.byteLength).toBe(9 + 16);
    expect(Array.from(payload.subarray(0, 9))).toEqual([70, 80, 51, 50, 1, 4, 0, 0, 0]); // "FP32", version 1, count 4
    expect(Array.from(payload.subarray(9, 13))).toEqual([0, 0, 192, 63]); // 1.5
    expect(decodeFloat32Payload(payload, 4)).toEqual(values);
  });

  it('rejects a payload of another length, a truncated one and one with trailing bytes', () => {
    const payload = encodeFloat32Payload(Float32Array.of(1, 2, 3));
    expect(() => decodeFloat32Payload(payload, 4)).toThrow(/carries 3 values, the model has 4/);
    expect(() => decodeFloat32Payload(payload.subarray(0, 12), 3)).toThrow(PayloadError);
    expect(() => decodeFloat32Payload(Uint8Array.of(...payload, 0), 3)).toThrow(/1 unexpected trailing bytes/);
  });
});
