/**
 * Reading and checking a safetensors header, shared by the whole-buffer decoder and the readers
 * that take a file's tensors one at a time: every number a tensor's bytes would be allocated from
 * is checked here against the file's length before anything is allocated.
 */
import { CheckpointError } from '../../errors.js';

/** Bytes of the little-endian header length that starts a safetensors file. */
export const HEADER_LENGTH_BYTES = 8;

/** Largest header accepted, as the reference implementation does, so a corrupt length cannot exhaust memory. */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Bytes per element of every dtype of the format with whole-byte elements. A header may name any of
 * them: its offsets are checked all the same, whether or not the reader then decodes the tensor.
 */
export const SAFETENSORS_ELEMENT_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
  C64: 8,
} as const;

/** A dtype a safetensors header may name (see {@link SAFETENSORS_ELEMENT_BYTES}). */
export type SafetensorsStoredDtype = keyof typeof SAFETENSORS_ELEMENT_BYTES;

/** One tensor of a header, checked: its bytes lie inside the file and match its dtype and shape. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsStoredDtype;
  shape: number[];
  /** Byte offsets relative to the start of the data section, end exclusive. */
  begin: number;
  end: number;
}

/** A checked header. */
export interface SafetensorsHeader {
  /** Offset in the file of the data section (the header length prefix and the header before it). */
  dataStart: number;
  /** The tensors in header order. */
  entries: SafetensorsEntry[];
  /** The `__metadata__` string map (empty when absent). */
  metadata: Record<string, string>;
}

const METADATA_KEY = '__metadata__';

type Fail = (problem: string) => never;

function failingFor(source: string): Fail {
  return (problem) => {
    throw new CheckpointError(`${source}: ${problem}`);
  };
}

/**
 * The header length claimed by `prefix` (the file's first bytes, at least
 * {@link HEADER_LENGTH_BYTES} of them when the file has that many), checked against
 * {@link MAX_HEADER_BYTES} and against the `fileLength` bytes of the file named `source`.
 * @throws CheckpointError naming `source` when the file is too short or the length is out of bounds.
 */
export function safetensorsHeaderLength(prefix: Uint8Array, fileLength: number, source: string): number {
  const fail = failingFor(source);
  if (fileLength < HEADER_LENGTH_BYTES || prefix.length < HEADER_LENGTH_BYTES) {
    fail(
      `only ${fileLength} bytes, shorter than the ${HEADER_LENGTH_BYTES}-byte header length; the file is truncated or not safetensors.`
    );
  }
  const claimed = new DataView(prefix.buffer, prefix.byteOffset, HEADER_LENGTH_BYTES).getBigUint64(0, true);
  if (claimed > BigInt(MAX_HEADER_BYTES)) {
    fail(
      `header length ${claimed} exceeds the ${MAX_HEADER_BYTES}-byte limit; the file is corrupt or not safetensors.`
    );
  }
  const headerLength = Number(claimed);
  if (headerLength > fileLength - HEADER_LENGTH_BYTES) {
    fail(
      `header length ${headerLength} is more than the ${
        fileLength - HEADER_LENGTH_BYTES
      } bytes that follow; the file is truncated or not safetensors.`
    );
  }
  return headerLength;
}

/**
 * Parses and checks the header `headerBytes` (as long as {@link safetensorsHeaderLength} said) of a
 * file of `fileLength` bytes named `source`: the header's JSON shape, and for each tensor that its
 * dtype is one of {@link SAFETENSORS_ELEMENT_BYTES}, that its offsets match dtype size × element
 * count and lie inside the file, and that no two tensors overlap; the tensors must cover the data
 * section exactly, with no byte between or after them.
 * @throws CheckpointError naming `source`, the tensor and the problem; a truncated file's error
 *   gives the file's length and the length its header needs.
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileLength: number, source: string): SafetensorsHeader {
  const fail = failingFor(source);
  const dataStart = HEADER_LENGTH_BYTES + headerBytes.length;
  const { entries: raw, metadata } = parseJson(headerBytes, fail);
  const entries = raw.map(([name, value]) => validateEntry(name, value, fail));
  checkWithinFile(entries, dataStart, fileLength, fail);
  checkCoverage(entries, fileLength - dataStart, fail);
  return { dataStart, entries, metadata };
}

interface RawHeader {
  entries: Array<[string, unknown]>;
  metadata: Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(headerBytes: Uint8Array, fail: Fail): RawHeader {
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

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

function validateEntry(name: string, value: unknown, fail: Fail): SafetensorsEntry {
  const bad = (problem: string): never => fail(`tensor "${name}": ${problem}; the header is corrupt.`);
  if (!isRecord(value)) bad('entry is not an object');
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(SAFETENSORS_ELEMENT_BYTES, dtype)) {
    bad(`dtype ${JSON.stringify(dtype)} is not one of ${Object.keys(SAFETENSORS_ELEMENT_BYTES).join(', ')}`);
  }
  const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) bad('shape is not an array of non-negative integers');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    bad('data_offsets is not a pair of non-negative integers');
  }
  const [begin, end] = offsets as [number, number];
  const dims = shape as number[];
  if (begin > end) bad(`data_offsets [${begin}, ${end}] end before they begin`);
  // A product past 2^53 is rounded, but stays far above any span a file can hold, so it still differs.
  const needed = elementCount(dims) * SAFETENSORS_ELEMENT_BYTES[dtype as SafetensorsStoredDtype];
  if (needed !== end - begin) {
    bad(`dtype ${dtype} × shape [${dims.join(', ')}] needs ${needed} bytes but data_offsets span ${end - begin}`);
  }
  return { name, dtype: dtype as SafetensorsStoredDtype, shape: dims, begin, end };
}

/** Refuses a header whose furthest tensor ends past the file, giving both lengths. */
function checkWithinFile(entries: readonly SafetensorsEntry[], dataStart: number, fileLength: number, fail: Fail): void {
  const dataLength = fileLength - dataStart;
  const furthest = entries.reduce<SafetensorsEntry | undefined>(
    (last, entry) => (last === undefined || entry.end > last.end ? entry : last),
    undefined
  );
  if (furthest !== undefined && furthest.end > dataLength) {
    fail(
      `tensor "${furthest.name}": data_offsets [${furthest.begin}, ${furthest.end}] reach past the ${dataLength}-byte ` +
        `data section: the file is ${fileLength} bytes but its header needs ${dataStart + furthest.end}; ` +
        'it is truncated, so copy or download it again.'
    );
  }
}

function checkCoverage(entries: readonly SafetensorsEntry[], dataLength: number, fail: Fail): void {
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
}
