import type { JoinMessage, RefusalReason } from '@fedtune/core';
import type { TokenStore } from '../tokens/tokenStore.js';

/** What a join is judged against. */
export interface JoinRules {
  tokens: TokenStore;
  /** The experiment's clients are ids 0..numClients−1. */
  numClients: number;
  /** The `@fedtune/core` version the server computes with; a client must compute with the same. */
  coreVersion: string;
  /** Whether a live connection already speaks for `clientId`. */
  isHeld(clientId: number): boolean;
}

/** A join's fate: the client ids it may speak for, or why it is turned away. */
export type JoinVerdict = { accepted: number[] } | { refused: RefusalReason; message: string };

/**
 * Judges a join: every client id it claims must belong to the experiment, come with that id's
 * token and be free, and the client must compute with the server's core. All or nothing: one bad
 * id refuses the whole join.
 */
export function judgeJoin(join: JoinMessage, rules: JoinRules): JoinVerdict {
  if (join.coreVersion !== rules.coreVersion) {
    return {
      refused: 'version-mismatch',
      message: `the server computes with @fedtune/core ${rules.coreVersion}, this client with ${join.coreVersion}; install @fedtune/core ${rules.coreVersion} on the client`,
    };
  }
  const ids = join.clients.map((client) => client.clientId);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) return { refused: 'duplicate-client', message: `the join lists client ${repeated} twice` };
  const unknown = ids.find((id) => id >= rules.numClients);
  if (unknown !== undefined) {
    return {
      refused: 'unknown-client',
      message: `client ${unknown} is not in this experiment, whose clients are 0..${rules.numClients - 1}`,
    };
  }
  // Checked before whether an id is taken, so a caller without the secret learns nothing about who is connected.
  const badToken = join.clients.find((client) => !rules.tokens.verify(client.clientId, client.token));
  if (badToken !== undefined) {
    return {
      refused: 'bad-token',
      message: `the token for client ${badToken.clientId} is not the one the server holds; use the secret its tokens file lists for client ${badToken.clientId}`,
    };
  }
  const held = ids.find((id) => rules.isHeld(id));
  if (held !== undefined) {
    return {
      refused: 'duplicate-client',
      message: `client ${held} is already connected; a client id joins from one connection at a time`,
    };
  }
  return { accepted: [...ids].sort((a, b) => a - b) };
}
