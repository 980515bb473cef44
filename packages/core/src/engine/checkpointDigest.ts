import { createHash } from 'node:crypto';

/** Metadata key under which a checkpoint stores its {@link checkpointDigest}. */
export const DIGEST_KEY = 'digest';

/** One tensor of a checkpoint, as written or as read back. */
export interface DigestedTensor {
  shape: readonly number[];
  data: Float32Array;
}

// The digest covers the values as the file stores them (little-endian), so a checkpoint written on
// one machine verifies on any other.
const littleEndianHost = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function fileOrderBytes(data: Float32Array): Uint8Array {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return littleEndianHost ? bytes : Buffer.from(bytes).swap32();
}

/**
 * The sha256, in hex, of every tensor (name, shape and bytes) and every metadata entry but the
 * digest itself. Tensors and keys are taken in sorted order, so the digest depends on the content
 * only, never on the order a file lists it in.
 */
export function checkpointDigest(tensors: ReadonlyMap<string, DigestedTensor>, metadata: Readonly<Record<string, string>>): string {
  const names = [...tensors.keys()].sort();
  const entries = Object.keys(metadata)
    .filter((key) => key !== DIGEST_KEY)
    .sort()
    .map((key) => [key, metadata[key]]);
  // The description fixes every tensor's length, so the bytes that follow it cannot be split another way.
  const description = JSON.stringify({ metadata: entries, tensors: names.map((name) => [name, (tensors.get(name) as DigestedTensor).shape]) });
  const hash = createHash('sha256').update(description).update('\n');
  for (const name of names) hash.update(fileOrderBytes((tensors.get(name) as DigestedTensor).data));
  return hash.digest('hex');
}
