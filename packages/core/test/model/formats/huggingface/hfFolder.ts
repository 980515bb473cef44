import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { f32Bytes, type RawTensor } from '../../../../src/testing/rawSafetensors.js';
import { temporaryFolder } from '../../fixtures.js';

export { f32Bytes, rawSafetensors, u16Bytes, type RawTensor } from '../../../../src/testing/rawSafetensors.js';

/** A safetensors file with a literal header (no padding) and `dataBytes` zero bytes of data. */
export function literalHeaderFile(header: Record<string, unknown>, dataBytes: number): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  return out;
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
