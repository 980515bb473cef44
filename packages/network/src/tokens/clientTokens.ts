import { randomBytes } from 'node:crypto';
import { writeFileAtomicSync } from '@fedtune/core';
import { formatTokensFile } from './tokensFile.js';

/** Bytes of randomness in each secret: 256 bits, beyond any guessing. */
export const SECRET_BYTES = 32;

/** Permission bits of a written tokens file: its owner alone reads the secrets. */
export const TOKENS_FILE_MODE = 0o600;

/** One fresh random secret (base64url, so it fits a URL fragment and a shell argument) per client id 0..numClients−1. */
export function generateClientTokens(numClients: number): Map<number, string> {
  if (!Number.isSafeInteger(numClients) || numClients < 1) {
    throw new RangeError(`numClients must be a whole number of at least 1, got ${numClients}`);
  }
  const secrets = new Map<number, string>();
  for (let id = 0; id < numClients; id++) secrets.set(id, randomBytes(SECRET_BYTES).toString('base64url'));
  return secrets;
}

/**
 * Writes `secrets` as a tokens file, atomically (readers see the old file or the whole new one) and
 * readable by its owner only ({@link TOKENS_FILE_MODE}). An existing file is replaced: callers that
 * must not replace one check first.
 */
export function writeTokensFile(path: string, secrets: ReadonlyMap<number, string>): void {
  writeFileAtomicSync(path, formatTokensFile(secrets), { mode: TOKENS_FILE_MODE });
}
