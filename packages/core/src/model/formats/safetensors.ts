import { CheckpointError, isFedtuneError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { MAX_READ_BYTES, readFileWithin } from '../../io/readFileWithin.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsContent, type TensorData } from './safetensorsCodec.js';

export * from './safetensorsCodec.js';

/** Writes a safetensors file atomically (see {@link encodeSafetensors} for the layout). */
export async function writeSafetensorsFile(
  path: string,
  tensors: ReadonlyMap<string, TensorData>,
  metadata: Readonly<Record<string, string>> = {}
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/**
 * Reads and validates a safetensors file (see {@link decodeSafetensors}). Only a regular file
 * (links followed) of at most 2 GiB − 1 is read, checked before reading.
 * @throws CheckpointError naming the file when it is no such file, cannot be read or is malformed.
 */
export async function readSafetensorsFile(path: string): Promise<SafetensorsContent> {
  let bytes: Uint8Array;
  try {
    bytes = readFileWithin(path, { what: 'a safetensors file', maxBytes: MAX_READ_BYTES, error: CheckpointError });
  } catch (error) {
    if (isFedtuneError(error)) throw error;
    throw new CheckpointError(`${path}: cannot be read (${(error as Error).message}); check the path.`, {
      cause: error,
    });
  }
  return decodeSafetensors(bytes, path);
}
