import { createHash } from 'node:crypto';

/** Lowercase hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export { formatSha256Sums, parseSha256Sums, sha256HexOf } from './sha256Sums.js';
