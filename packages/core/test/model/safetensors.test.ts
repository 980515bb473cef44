import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { CheckpointError, ShapeError } from '../../src/errors.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensorsFile,
  writeSafetensorsFile,
  type TensorData,
} from '../../src/model/formats/safetensors.js';
import { temporaryFolder } from './fixtures.js';

/** A safetensors buffer from a literal header text and data bytes (no padding unless given). */
function handBuilt(header: string, data: number[] = [], claimedLength?: number): Uint8Array {
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(claimedLength ?? text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

function entry(dtype: string, shape: number[], begin: number, end: number): string {
  return JSON.stringify({ dtype, shape, data_offsets: [begin, end] });
}

function expectCheckpointError(bytes: Uint8Array, ...fragments: string[]): void {
  let caught: unknown;
  try {
    decodeSafetensors(bytes, 'model.safetensors');
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CheckpointError);
  const message = (caught as Error).message;
  expect(message).toContain('model.safetensors');
  for (const fragment of fragments) expect(message).toContain(fragment);
}

describe('encodeSafetensors', () => {
  it('writes the known bytes of a one-tensor file', () => {
    const bytes = encodeSafetensors(new Map([['a', { shape: [2], data: Float32Array.of(1, -2) }]]), { k: 'v' });
    // 79 header bytes padded with one space to 80; then 1.0f and -2.0f little-endian.
    const header = '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} ';
    const expected = [
      ...[80, 0, 0, 0, 0, 0, 0, 0],
      ...new TextEncoder().encode(header),
      ...[0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0],
    ];
    expect([...bytes]).toEqual(expected);
  });

  it('is deterministic: keys are sorted whatever the insertion order', () => {
    const a: TensorData = { shape: [1], data: Float32Array.of(1) };
    const b: TensorData = { shape: [2], data: Int32Array.of(2, 3) };
    const first = encodeSafetensors(
      new Map([
        ['b', b],
        ['a', a],
      ]),
      { y: '1', x: '2' }
    );
    const second = encodeSafetensors(
      new Map([
        ['a', a],
        ['b', b],
      ]),
      { x: '2', y: '1' }
    );
    expect(first).toEqual(second);
    const { tensors } = decodeSafetensors(first);
    expect([...tensors.keys()]).toEqual(['a', 'b']);
  });

  it('keeps integer-like names in sorted order (no JSON key reordering)', () => {
    const bytes = encodeSafetensors(
      new Map([
        ['x', { shape: [1], data: Float32Array.of(5) }],
        ['10', { shape: [1], data: Float32Array.of(6) }],
      ])
    );
    const text = new TextDecoder().decode(bytes.subarray(8));
    expect(text.indexOf('"10"')).toBeLessThan(text.indexOf('"x"'));
    expect(decodeSafetensors(bytes).tensors.get('x')?.data).toEqual(Float32Array.of(5));
  });

  it('aligns the data section to 8 bytes', () => {
    for (const name of ['a', 'ab', 'abc', 'abcd', 'abcde']) {
      const bytes = encodeSafetensors(new Map([[name, { shape: [1], data: Uint8Array.of(9) }]]));
      const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      expect(headerLength % 8).toBe(0);
      expect(bytes[8 + headerLength]).toBe(9);
    }
  });

  it('rejects a shape that disagrees with the data length', () => {
    expect(() => encodeSafetensors(new Map([['w', { shape: [2, 2], data: new Float32Array(3) }]]))).toThrow(ShapeError);
  });
});

describe('decodeSafetensors', () => {
  test.prop([
    fc.array(
      fc.record({
        name: fc.string({ minLength: 1, maxLength: 8 }).filter((name) => name !== '__metadata__'),
        kind: fc.constantFrom('F32', 'I32', 'U8'),
        values: fc.array(fc.float({ noNaN: true }), { maxLength: 12 }),
      }),
      { maxLength: 5 }
    ),
    fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
  ])('round-trips F32, I32 and U8 tensors and metadata', (specs, metadata) => {
    const tensors = new Map<string, TensorData>();
    for (const { name, kind, values } of specs) {
      const data =
        kind === 'F32'
          ? Float32Array.from(values)
          : kind === 'I32'
          ? Int32Array.from(values, Math.trunc)
          : Uint8Array.from(values, (v) => Math.abs(Math.trunc(v)) % 256);
      tensors.set(name, { shape: [1, values.length], data });
    }
    const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
    expect(decoded.metadata).toEqual(metadata);
    expect(decoded.tensors.size).toBe(tensors.size);
    for (const [name, tensor] of tensors) {
      const back = decoded.tensors.get(name);
      expect(back?.shape).toEqual(tensor.shape);
      expect(back?.data).toEqual(tensor.data);
      expect(back?.data.constructor).toBe(tensor.data.constructor);
    }
  });

  it('reads a hand-built file without padding or metadata', () => {
    const bytes = handBuilt(`{"t":${entry('I32', [2], 0, 8)}}`, [1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({});
    expect(tensors.get('t')).toEqual({ dtype: 'I32', shape: [2], data: Int32Array.of(1, -1) });
  });

  it('widens F16 to float32 exactly', () => {
    // 0x3c00 = 1, 0xc000 = −2, 0x7bff = 65504 (max), 0x0001 = 2^−24 (smallest subnormal), 0x7c00 = +∞.
    const halves = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00];
    const data = halves.flatMap((h) => [h & 0xff, h >> 8]);
    const { tensors } = decodeSafetensors(handBuilt(`{"h":${entry('F16', [5], 0, 10)}}`, data));
    expect(tensors.get('h')?.dtype).toBe('F16');
    expect([...(tensors.get('h')?.data ?? [])]).toEqual([1, -2, 65504, 2 ** -24, Infinity]);
  });

  it('widens BF16 to float32 exactly', () => {
    // bfloat16 is a float32's upper half: 0x3f80 = 1, 0xc040 = −3, 0x3e20 = 0.15625.
    const data = [0x80, 0x3f, 0x40, 0xc0, 0x20, 0x3e];
    const { tensors } = decodeSafetensors(handBuilt(`{"b":${entry('BF16', [3], 0, 6)}}`, data));
    expect([...(tensors.get('b')?.data ?? [])]).toEqual([1, -3, 0.15625]);
  });

  it('rejects a file shorter than the length prefix', () => {
    expectCheckpointError(Uint8Array.of(1, 2, 3), 'truncated');
  });

  it('rejects a header length beyond the end of the file', () => {
    const bytes = handBuilt('{}', [], 1000);
    expectCheckpointError(bytes, 'header length 1000', 'truncated');
  });

  it('rejects a header length over the 100 MB limit before looking further', () => {
    expectCheckpointError(handBuilt('{}', [], 2 ** 40), 'exceeds');
  });

  it('rejects a header that is not JSON, or not an object', () => {
    expectCheckpointError(handBuilt('{"a": '), 'not valid UTF-8 JSON');
    expectCheckpointError(handBuilt('[1, 2]'), 'not a JSON object');
    expectCheckpointError(handBuilt('null'), 'not a JSON object');
  });

  it('rejects malformed entries, naming the tensor', () => {
    expectCheckpointError(handBuilt(`{"w":${entry('F64', [1], 0, 8)}}`, new Array(8).fill(0)), '"w"', 'dtype "F64"');
    expectCheckpointError(handBuilt(`{"w":${entry('F32', [-1], 0, 4)}}`, [0, 0, 0, 0]), '"w"', 'shape');
    expectCheckpointError(handBuilt(`{"w":${entry('F32', [1], 4, 0)}}`, [0, 0, 0, 0]), '"w"', 'end before');
    expectCheckpointError(handBuilt('{"w":{"dtype":"F32","shape":[1]}}', [0, 0, 0, 0]), '"w"', 'data_offsets');
    expectCheckpointError(handBuilt('{"w":7}'), '"w"', 'not an object');
  });

  it('rejects metadata that is not a map of strings', () => {
    expectCheckpointError(handBuilt('{"__metadata__":{"epochs":3}}'), 'metadata "epochs"');
  });

  it('rejects offsets that do not match dtype size × element count', () => {
    const bytes = handBuilt(`{"w":${entry('F32', [3], 0, 8)}}`, new Array(8).fill(0));
    expectCheckpointError(bytes, '"w"', 'needs 12 bytes', 'span 8');
  });

  it('rejects a truncated data section', () => {
    const bytes = handBuilt(`{"w":${entry('F32', [4], 0, 16)}}`, new Array(8).fill(0));
    expectCheckpointError(bytes, '"w"', 'reach past the 8-byte data section');
  });

  it('rejects overlapping tensors', () => {
    const header = `{"a":${entry('F32', [2], 0, 8)},"b":${entry('F32', [2], 4, 12)}}`;
    expectCheckpointError(handBuilt(header, new Array(12).fill(0)), '"b"', 'overlap', '"a"');
  });

  it('rejects bytes after the last tensor, naming the file', () => {
    const bytes = encodeSafetensors(new Map([['w', { shape: [2], data: Float32Array.of(1, 2) }]]));
    const appended = new Uint8Array(bytes.length + 64).fill(0xab);
    appended.set(bytes);
    expectCheckpointError(appended, 'the last 64 of the 72 data bytes belong to no tensor');
  });

  it('rejects bytes between tensors that no tensor indexes', () => {
    const header = `{"a":${entry('F32', [1], 0, 4)},"b":${entry('F32', [1], 8, 12)}}`;
    expectCheckpointError(handBuilt(header, new Array(12).fill(0)), 'data bytes [4, 8) before tensor "b" belong to no tensor');
  });

  it('fails without allocating on a header claiming a 10^12-element tensor', () => {
    // 4 TB claimed by a 100-byte file: trying to allocate it would throw a RangeError, not a CheckpointError.
    const huge = handBuilt(`{"w":${entry('F32', [1_000_000, 1_000_000], 0, 4_000_000_000_000)}}`, [0, 0, 0, 0]);
    expectCheckpointError(huge, '"w"', 'reach past');
  });
});

describe('safetensors files', () => {
  it('writes atomically and reads back', async () => {
    const folder = await temporaryFolder();
    const path = join(folder, 'weights.safetensors');
    const tensors = new Map([['w', { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }]]);
    await writeSafetensorsFile(path, tensors, { note: 'first' });
    await writeSafetensorsFile(path, tensors, { note: 'second' });
    expect(await readdir(folder)).toEqual(['weights.safetensors']);
    const content = await readSafetensorsFile(path);
    expect(content.metadata).toEqual({ note: 'second' });
    expect(content.tensors.get('w')?.data).toEqual(Float32Array.of(1, 2, 3, 4));
    expect(new Uint8Array(await readFile(path))).toEqual(encodeSafetensors(tensors, { note: 'second' }));
  });

  it('names the file when it is missing or corrupt', async () => {
    const folder = await temporaryFolder();
    const path = join(folder, 'broken.safetensors');
    await expect(readSafetensorsFile(path)).rejects.toThrow(CheckpointError);
    await writeFile(path, Uint8Array.of(1, 2));
    await expect(readSafetensorsFile(path)).rejects.toThrow(/broken\.safetensors.*truncated/);
  });
});
