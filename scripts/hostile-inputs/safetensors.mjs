// Surgery on safetensors files (base models and checkpoints): read one apart, change tensors or
// metadata, write it back; and reseal a fedtune checkpoint's digest, so a change reaches the checks
// behind the digest instead of stopping at it.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

/** The parts of a safetensors file: header length, header object, and where the data starts. */
export function parseSafetensors(bytes) {
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  return { headerLength, header, dataStart: 8 + headerLength };
}

/** The byte range in the file of tensor `name`'s data. */
export function tensorRange(bytes, name) {
  const { header, dataStart } = parseSafetensors(bytes);
  const [begin, end] = header[name].data_offsets;
  return { begin: dataStart + begin, end: dataStart + end };
}

/** A file's tensors (as F32 arrays, copies) and metadata, in the order the header lists them. */
function readTensors(bytes) {
  const { header, dataStart } = parseSafetensors(bytes);
  const tensors = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = info.data_offsets;
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + dataStart + begin, bytes.byteOffset + dataStart + end));
    tensors.push({ name, dtype: info.dtype, shape: info.shape, data });
  }
  return { tensors, metadata: { ...(header.__metadata__ ?? {}) } };
}

/** A safetensors file of `tensors` ({ name, dtype, shape, data: Float32Array }) and `metadata`. */
function writeTensors(tensors, metadata) {
  const header = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const tensor of tensors) {
    header[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + tensor.data.byteLength] };
    offset += tensor.data.byteLength;
  }
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (Buffer.byteLength(text) % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(text)));
  return Buffer.concat([length, Buffer.from(text), ...tensors.map((tensor) => Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength))]);
}

/** The digest a fedtune checkpoint stores under `digest`, computed as core computes it. */
function checkpointDigest(tensors, metadata) {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries = Object.keys(metadata)
    .filter((key) => key !== 'digest')
    .sort()
    .map((key) => [key, metadata[key]]);
  const description = JSON.stringify({ metadata: entries, tensors: sorted.map((tensor) => [tensor.name, tensor.shape]) });
  const hash = createHash('sha256').update(description).update('\n');
  for (const tensor of sorted) hash.update(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  return hash.digest('hex');
}

/**
 * Rewrites the checkpoint at `path` through `change({ tensors, metadata })` (which may mutate them)
 * and stores a fresh digest, as if fedtune had written the changed state.
 */
export function resealCheckpoint(path, change) {
  const content = readTensors(readFileSync(path));
  change(content);
  content.metadata.digest = checkpointDigest(content.tensors, content.metadata);
  writeFileSync(path, writeTensors(content.tensors, content.metadata));
}

/** Rewrites the file at `path` through `change({ tensors, metadata })`, keeping no digest fresh. */
export function rewriteTensors(path, change) {
  const content = readTensors(readFileSync(path));
  change(content);
  writeFileSync(path, writeTensors(content.tensors, content.metadata));
}

/** Flips bit `bit` of byte `offset` of the file at `path`. */
export function flipBit(path, offset, bit = 0) {
  const bytes = readFileSync(path);
  bytes[offset] ^= 1 << bit;
  writeFileSync(path, bytes);
}
