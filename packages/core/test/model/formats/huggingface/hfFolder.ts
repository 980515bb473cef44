import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { temporaryFolder } from '../../fixtures.js';

/** A tensor written byte for byte, in any dtype the format names. */
export interface RawTensor {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/**
 * A safetensors file with the tensors in the given order, end to end, the header padded to 8 bytes
 * (the encoder under test writes F32, I32 and U8 only; these tests also need 16-bit and 64-bit ones).
 */
export function rawSafetensors(tensors: Record<string, RawTensor>): Uint8Array {
  let offset = 0;
  const header: Record<string, unknown> = {};
  for (const [name, { dtype, shape, bytes }] of Object.entries(tensors)) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  const text = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(text.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset).fill(0x20, 8, 8 + headerLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(text, 8);
  let at = 8 + headerLength;
  for (const { bytes } of Object.values(tensors)) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** A safetensors file with a literal header (no padding) and `dataBytes` zero bytes of data. */
export function literalHeaderFile(header: Record<string, unknown>, dataBytes: number): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  return out;
}

/** Little-endian bytes of float32 values. */
export function f32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** Little-endian bytes of 16-bit patterns (F16 or BF16 bits). */
export function u16Bytes(bits: readonly number[]): Uint8Array {
  return new Uint8Array(Uint16Array.from(bits).buffer);
}

/** The config.json of a fake model: vocabulary 3, width 2, one layer, at most 8 positions. */
export function fakeConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ['FakeForCausalLM'],
    model_type: 'fake',
    vocab_size: 3,
    hidden_size: 2,
    num_layers: 1,
    max_positions: 8,
    ...extra,
  };
}

/** The weights of {@link fakeConfig}, as float32 values. */
export const FAKE_WEIGHTS = {
  'model.embed.weight': { shape: [3, 2], values: [1, 2, 3, 4, 5, 6] },
  'model.layers.0.weight': { shape: [2], values: [0.5, -1] },
  'head.weight': { shape: [3, 2], values: [10, 11, 12, 13, 14, 15] },
} as const;

/** {@link FAKE_WEIGHTS} as F32 raw tensors, with their names. */
export function fakeRawTensors(): Record<string, RawTensor> {
  return Object.fromEntries(
    Object.entries(FAKE_WEIGHTS).map(([name, { shape, values }]) => [
      name,
      { dtype: 'F32', shape: [...shape], bytes: f32Bytes(values) },
    ])
  );
}

/** A fresh folder holding `files` (bytes as they are, anything else as JSON), removed after the test. */
export async function modelFolder(files: Record<string, Uint8Array | string | object>): Promise<string> {
  const folder = await temporaryFolder();
  for (const [name, content] of Object.entries(files)) {
    const data = content instanceof Uint8Array || typeof content === 'string' ? content : JSON.stringify(content);
    await writeFile(join(folder, name), data);
  }
  return folder;
}
