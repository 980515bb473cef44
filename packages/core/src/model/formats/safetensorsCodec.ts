/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON header
 * (`{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { key: string } }`), then
 * the tensors' bytes, little-endian, offsets relative to the end of the header.
 */
import { CheckpointError, ShapeError } from '../../errors.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './halfFloat.js';
import {
  HEADER_LENGTH_BYTES,
  parseSafetensorsHeader,
  SAFETENSORS_ELEMENT_BYTES,
  safetensorsHeaderLength,
  type SafetensorsStoredDtype,
} from './safetensorsHeader.js';

export {
  MAX_HEADER_BYTES,
  SAFETENSORS_ELEMENT_BYTES,
  parseSafetensorsHeader,
  safetensorsHeaderLength,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type SafetensorsStoredDtype,
} from './safetensorsHeader.js';

/** Element types this reader decodes. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'U8';

const DECODABLE_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F16', 'BF16', 'I32', 'U8'];

/** Element arrays; a tensor's dtype when written follows its array type (F32, I32 or U8). */
export type TensorValues = Float32Array | Int32Array | Uint8Array;

/** A tensor to write. */
export interface TensorData {
  /** Row-major shape; the product of its entries equals `data.length`. */
  shape: readonly number[];
  data: TensorValues;
}

/** A tensor read back. F16 and BF16 are widened to a Float32Array; `dtype` is what the file stored. */
export interface DecodedTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: TensorValues;
}

/** The decoded content of a safetensors file. */
export interface SafetensorsContent {
  tensors: Map<string, DecodedTensor>;
  /** The `__metadata__` string map (empty when absent). */
  metadata: Record<string, string>;
}

const METADATA_KEY = '__metadata__';

function dtypeOf(data: TensorValues): SafetensorsDtype {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Int32Array) return 'I32';
  return 'U8';
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/**
 * Encodes tensors and metadata as safetensors bytes. Deterministic: tensors and metadata keys are
 * sorted, and the header is padded with spaces to a multiple of 8 bytes so the data section is
 * aligned (as the reference writer does).
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, TensorData>,
  metadata: Readonly<Record<string, string>> = {}
): Uint8Array {
  const names = [...tensors.keys()].sort();
  // Entries are serialised one by one: JSON.stringify on an object would move integer-like keys first.
  const headerParts: string[] = [];
  const metadataKeys = Object.keys(metadata).sort();
  if (metadataKeys.length > 0) {
    const entries = metadataKeys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(metadata[key])}`);
    headerParts.push(`${JSON.stringify(METADATA_KEY)}:{${entries.join(',')}}`);
  }
  let dataLength = 0;
  for (const name of names) {
    const tensor = tensors.get(name) as TensorData;
    if (name === '' || name === METADATA_KEY) {
      throw new ShapeError(`Tensor name "${name}" is reserved or empty; choose another name.`);
    }
    if (!tensor.shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
      throw new ShapeError(
        `Tensor "${name}" has shape [${tensor.shape.join(', ')}]; dimensions must be non-negative integers.`
      );
    }
    if (elementCount(tensor.shape) !== tensor.data.length) {
      throw new ShapeError(
        `Tensor "${name}" has shape [${tensor.shape.join(', ')}] but ${tensor.data.length} values; make them agree.`
      );
    }
    const end = dataLength + tensor.data.byteLength;
    headerParts.push(
      `${JSON.stringify(name)}:${JSON.stringify({
        dtype: dtypeOf(tensor.data),
        shape: tensor.shape,
        data_offsets: [dataLength, end],
      })}`
    );
    dataLength = end;
  }
  const headerText = `{${headerParts.join(',')}}`;
  const headerBytes = new TextEncoder().encode(headerText);
  const paddedLength = Math.ceil(headerBytes.length / 8) * 8;
  const out = new Uint8Array(8 + paddedLength + dataLength);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(paddedLength), true);
  out.set(headerBytes, 8);
  out.fill(0x20, 8 + headerBytes.length, 8 + paddedLength);
  let offset = 8 + paddedLength;
  for (const name of names) {
    const { data } = tensors.get(name) as TensorData;
    writeLittleEndian(view, offset, data);
    offset += data.byteLength;
  }
  return out;
}

function writeLittleEndian(view: DataView, offset: number, data: TensorValues): void {
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) view.setFloat32(offset + 4 * i, data[i] as number, true);
  } else if (data instanceof Int32Array) {
    for (let i = 0; i < data.length; i++) view.setInt32(offset + 4 * i, data[i] as number, true);
  } else {
    new Uint8Array(view.buffer, view.byteOffset + offset, data.length).set(data);
  }
}

/**
 * Decodes safetensors bytes. Everything is validated before any tensor is allocated: the header
 * length, the header's JSON shape, and for each tensor that its offsets lie inside the data section,
 * match dtype size × element count, and do not overlap another tensor's; the tensors must cover the
 * data section exactly, with no byte between or after them (see {@link parseSafetensorsHeader}), and
 * each must have a dtype this reader decodes. A violation throws a {@link CheckpointError} naming
 * `source`, the tensor and the problem.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors buffer'): SafetensorsContent {
  const headerLength = safetensorsHeaderLength(bytes, bytes.length, source);
  const header = parseSafetensorsHeader(
    bytes.subarray(HEADER_LENGTH_BYTES, HEADER_LENGTH_BYTES + headerLength),
    bytes.length,
    source
  );
  for (const entry of header.entries) {
    if (!isDecodable(entry.dtype)) {
      throw new CheckpointError(
        `${source}: tensor "${entry.name}": dtype "${entry.dtype}" is not one of ${DECODABLE_DTYPES.join(', ')}; ` +
          'save the tensor with one of them.'
      );
    }
  }
  const tensors = new Map<string, DecodedTensor>();
  for (const entry of header.entries) {
    const dtype = entry.dtype as SafetensorsDtype;
    const raw = bytes.subarray(header.dataStart + entry.begin, header.dataStart + entry.end);
    tensors.set(entry.name, { dtype, shape: entry.shape, data: decodeTensorValues(raw, dtype) });
  }
  return { tensors, metadata: header.metadata };
}

/** Whether this reader decodes tensors stored as `dtype`. */
export function isDecodable(dtype: SafetensorsStoredDtype): dtype is SafetensorsDtype {
  return (DECODABLE_DTYPES as readonly string[]).includes(dtype);
}

/**
 * The values of one tensor from its stored bytes (`raw`, little-endian, exactly the tensor's
 * bytes), in an array of their own: F16 and BF16 widened to float32.
 */
export function decodeTensorValues(raw: Uint8Array, dtype: SafetensorsDtype): TensorValues {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const count = raw.byteLength / SAFETENSORS_ELEMENT_BYTES[dtype];
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = float16ToFloat32(view.getUint16(2 * i, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = bfloat16ToFloat32(view.getUint16(2 * i, true));
      return out;
    }
    case 'I32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      return out;
    }
    case 'U8':
      return raw.slice();
  }
}
