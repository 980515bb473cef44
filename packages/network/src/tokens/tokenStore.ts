import { createHash, timingSafeEqual } from 'node:crypto';
import { readTokensFile } from './tokensFile.js';

/** Which client ids of an experiment a {@link TokenStore} admits. */
export interface TokenCoverage {
  /** Whether every client id 0..numClients−1 has a token. */
  complete: boolean;
  /** The client ids without a token, ascending. */
  missing: number[];
}

/** SHA-256 digests are 32 bytes; an unknown id is compared against these zeros, never matched. */
const NO_TOKEN = Buffer.alloc(32);

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/**
 * The server's record of which secret admits which client id. It keeps only SHA-256 digests of the
 * secrets, so a dump of the server's memory does not hand out the clients' secrets, and compares
 * digests in constant time, so response times do not leak how much of a guess was right.
 */
export class TokenStore {
  private constructor(private readonly digests: ReadonlyMap<number, Buffer>) {}

  /** A store admitting each client id with its secret. */
  static fromSecrets(secrets: ReadonlyMap<number, string>): TokenStore {
    return new TokenStore(new Map([...secrets].map(([id, secret]) => [id, digest(secret)])));
  }

  /**
   * Reads a tokens file written by `fedtune tokens`.
   * @throws ConfigError naming the file, what is wrong with it and the fix.
   */
  static fromFile(path: string): TokenStore {
    return TokenStore.fromSecrets(readTokensFile(path));
  }

  /** How many client ids hold a token. */
  get size(): number {
    return this.digests.size;
  }

  /**
   * Whether `secret` is the token of `clientId`. Any input is answered, never thrown on: an id
   * without a token, a non-string secret or one of another length is simply `false`.
   */
  verify(clientId: number, secret: string): boolean {
    const expected = this.digests.get(clientId);
    const presented = digest(typeof secret === 'string' ? secret : '');
    // Compared even for an id without a token, so timing does not tell which ids have one.
    const equal = timingSafeEqual(presented, expected ?? NO_TOKEN);
    return equal && expected !== undefined && typeof secret === 'string';
  }

  /** Which client ids 0..numClients−1 of an experiment have no token. */
  covers(numClients: number): TokenCoverage {
    const missing: number[] = [];
    for (let id = 0; id < numClients; id++) if (!this.digests.has(id)) missing.push(id);
    return { complete: missing.length === 0, missing };
  }
}
