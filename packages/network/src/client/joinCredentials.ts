import { ConfigError } from '@fedtune/core';
import { readTokensFile } from '../tokens/tokensFile.js';

/** Where `fedtune join` takes its clients' secrets from: exactly one of the two. */
export interface SecretSource {
  /** One client's secret (`--token`), for a single client id. */
  token?: string;
  /** A tokens file `fedtune tokens` wrote (`--tokens`), holding a secret for every listed id. */
  tokensFile?: string;
}

/**
 * Each of `clientIds` with its secret, from `--token` (a single id) or `--tokens FILE`.
 * @throws ConfigError when neither or both are given, `--token` comes with several ids, the file
 *   cannot be read, or it lacks a listed id.
 */
export function secretsForClients(clientIds: readonly number[], source: SecretSource): Map<number, string> {
  const { token, tokensFile } = source;
  if (token !== undefined && tokensFile !== undefined) {
    throw new ConfigError('give the secrets either with --token or with --tokens, not both');
  }
  if (tokensFile !== undefined) {
    const secrets = readTokensFile(tokensFile);
    const missing = clientIds.filter((id) => !secrets.has(id));
    if (missing.length > 0) {
      throw new ConfigError(
        `tokens file ${tokensFile} holds no secret for client id${missing.length === 1 ? '' : 's'} ${missing.join(', ')}; ` +
          "check --client, or use the tokens file the server's operator wrote",
      );
    }
    return new Map(clientIds.map((id) => [id, secrets.get(id) as string]));
  }
  if (token === undefined) {
    throw new ConfigError('give the client its secret with --token SECRET, or several clients theirs with --tokens FILE');
  }
  if (clientIds.length !== 1) {
    throw new ConfigError(
      `--token is one client's secret, but --client lists ${clientIds.length} ids; ` +
        'give their secrets with --tokens FILE (the file `fedtune tokens` wrote)',
    );
  }
  return new Map([[clientIds[0] as number, token]]);
}
