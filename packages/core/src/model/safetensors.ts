import { readFile } from 'node:fs/promises';
import { CheckpointError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
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

/** Reads and validates a safetensors file (see {@link decodeSafetensors}). */
export async function readSafetensorsFile(path: string): Promise<SafetensorsContent> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CheckpointError(`${path}: cannot be read (${(error as Error).message}); check the path.`, {
      cause: error,
    });
  }
  return decodeSafetensors(bytes, path);
}
