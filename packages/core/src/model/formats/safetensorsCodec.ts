/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON header
 * (`{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { key: string } }`), then
 * the tensors' bytes, little-endian, offsets relative to the end of the header.
 */
import { CheckpointError, ShapeError } from '../../errors.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './halfFloat.js';

/** Element types this reader understands. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'U8';

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

/** Largest header accepted, as the reference implementation does, so a corrupt length cannot exhaust memory. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';
const BYTES_PER_ELEMENT: Readonly<Record<SafetensorsDtype, number>> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  I32: 4,
  U8: 1,
};

interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

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
 * data section exactly, with no byte between or after them. A violation throws a
 * {@link CheckpointError} naming `source`, the tensor and the problem.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors buffer'): SafetensorsContent {
  const fail = (problem: string): never => {
    throw new CheckpointError(`${source}: ${problem}`);
  };
  if (bytes.length < 8) {
    fail(
      `only ${bytes.length} bytes, shorter than the 8-byte header length; the file is truncated or not safetensors.`
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const claimed = view.getBigUint64(0, true);
  if (claimed > BigInt(MAX_HEADER_BYTES)) {
    fail(
      `header length ${claimed} exceeds the ${MAX_HEADER_BYTES}-byte limit; the file is corrupt or not safetensors.`
    );
  }
  const headerLength = Number(claimed);
  if (headerLength > bytes.length - 8) {
    fail(
      `header length ${headerLength} is more than the ${
        bytes.length - 8
      } bytes that follow; the file is truncated or not safetensors.`
    );
  }
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), fail);
  const dataStart = 8 + headerLength;
  const entries = validateEntries(header.entries, bytes.length - dataStart, fail);
  const tensors = new Map<string, DecodedTensor>();
  for (const entry of entries) {
    tensors.set(entry.name, {
      dtype: entry.dtype,
      shape: entry.shape,
      data: readValues(view, dataStart + entry.begin, entry),
    });
  }
  return { tensors, metadata: header.metadata };
}

interface RawHeader {
  entries: Array<[string, unknown]>;
  metadata: Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseHeader(headerBytes: Uint8Array, fail: (problem: string) => never): RawHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    fail(`header is not valid UTF-8 JSON (${(error as Error).message}); the file is corrupt or not safetensors.`);
  }
  if (!isRecord(parsed)) fail('header is not a JSON object; the file is corrupt or not safetensors.');
  const record = parsed as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  const rawMetadata = record[METADATA_KEY];
  if (rawMetadata !== undefined) {
    if (!isRecord(rawMetadata)) fail(`"${METADATA_KEY}" is not an object of strings; rewrite the file's metadata.`);
    for (const [key, value] of Object.entries(rawMetadata as Record<string, unknown>)) {
      if (typeof value !== 'string') fail(`metadata "${key}" is not a string; rewrite the file's metadata.`);
      metadata[key] = value as string;
    }
  }
  return { entries: Object.entries(record).filter(([name]) => name !== METADATA_KEY), metadata };
}

function validateEntries(
  raw: ReadonlyArray<[string, unknown]>,
  dataLength: number,
  fail: (problem: string) => never
): HeaderEntry[] {
  const entries = raw.map(([name, value]) => validateEntry(name, value, dataLength, fail));
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  // The format has the tensors cover the data section exactly, end to end: bytes no tensor indexes
  // were appended or left by a damaged write, and the reference reader refuses them too.
  let covered = 0;
  for (const [i, current] of byOffset.entries()) {
    const previous = byOffset[i - 1];
    if (previous !== undefined && current.begin < previous.end) {
      fail(
        `tensor "${current.name}" bytes [${current.begin}, ${current.end}) overlap tensor "${previous.name}" [${previous.begin}, ${previous.end}); the header is corrupt.`
      );
    }
    if (current.begin > covered) {
      fail(`data bytes [${covered}, ${current.begin}) before tensor "${current.name}" belong to no tensor; the file is corrupt.`);
    }
    covered = current.end;
  }
  if (covered < dataLength) {
    fail(
      `the last ${dataLength - covered} of the ${dataLength} data bytes belong to no tensor; bytes were appended to the file or it is corrupt.`
    );
  }
  return entries;
}

function validateEntry(
  name: string,
  value: unknown,
  dataLength: number,
  fail: (problem: string) => never
): HeaderEntry {
  const bad = (problem: string): never => fail(`tensor "${name}": ${problem}; the header is corrupt.`);
  if (!isRecord(value)) bad('entry is not an object');
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in BYTES_PER_ELEMENT)) {
    bad(`dtype ${JSON.stringify(dtype)} is not one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}`);
  }
  const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) bad('shape is not an array of non-negative integers');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    bad('data_offsets is not a pair of non-negative integers');
  }
  const [begin, end] = offsets as [number, number];
  const dims = shape as number[];
  if (begin > end) bad(`data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) {
    bad(`data_offsets [${begin}, ${end}] reach past the ${dataLength}-byte data section (is the file truncated?)`);
  }
  const needed = elementCount(dims) * BYTES_PER_ELEMENT[dtype as SafetensorsDtype];
  if (needed !== end - begin) {
    bad(`dtype ${dtype} × shape [${dims.join(', ')}] needs ${needed} bytes but data_offsets span ${end - begin}`);
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: dims, begin, end };
}

function readValues(view: DataView, start: number, entry: HeaderEntry): TensorValues {
  const count = (entry.end - entry.begin) / BYTES_PER_ELEMENT[entry.dtype];
  switch (entry.dtype) {
    case 'F32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = float16ToFloat32(view.getUint16(start + 2 * i, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = bfloat16ToFloat32(view.getUint16(start + 2 * i, true));
      return out;
    }
    case 'I32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, true);
      return out;
    }
    case 'U8':
      return new Uint8Array(view.buffer, view.byteOffset + start, count).slice();
  }
}
