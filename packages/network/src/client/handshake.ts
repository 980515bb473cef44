import { corePlugin, type WelcomeMessage } from '@fedtune/core';
import type { FrameConnection } from './connection.js';
import { ProtocolViolation } from './protocolViolation.js';
import { refusalError } from './refusal.js';

/**
 * Sends the `join` (each client id with its secret, and this side's core version) and reads the
 * server's answer.
 * @returns the welcome, its ids checked to be among those asked for.
 * @throws ConfigError naming the refusal and its fix ({@link refusalError}); ProtocolViolation for
 *   any other first answer.
 */
export async function handshake(connection: FrameConnection, tokens: ReadonlyMap<number, string>, url: string): Promise<WelcomeMessage> {
  connection.send({
    type: 'join',
    coreVersion: corePlugin.version,
    clients: [...tokens].map(([clientId, token]) => ({ clientId, token })),
  });
  const answer = await connection.next();
  if (answer.type === 'refused') {
    // The server closes after a refusal; there is nothing to tell it.
    connection.close();
    throw refusalError(answer.reason, answer.message, url);
  }
  if (answer.type !== 'welcome') {
    throw new ProtocolViolation('out-of-order', `the server answered the join with "${answer.type}" instead of "welcome" or "refused"`);
  }
  const strangers = answer.clientIds.filter((id) => !tokens.has(id));
  if (strangers.length > 0) {
    throw new ProtocolViolation('wrong-client', `the server welcomed client ids ${strangers.join(', ')}, which this client did not join as`);
  }
  return answer;
}
