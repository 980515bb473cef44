import { ConfigError, type RefusalReason } from '@fedtune/core';

/** What a client's user does about each reason a server turns a join away. */
const FIXES: Readonly<Record<RefusalReason, string>> = {
  'bad-token': "check --token (or --tokens): it must be the secret the server's tokens file holds for that client id",
  'unknown-client': "check --client: the server's experiment has no such client id",
  'duplicate-client': 'another process holds that client id already; give each process its own ids, or stop the other one',
  'version-mismatch': "install the server's fedtune version (npm install @fedtune/cli@<version>) so both sides compute alike",
  'rate-limited': 'too many join attempts from this address; wait a little and join again',
  'server-full': 'the server takes no more connections; join with more client ids per process, or ask its operator',
  malformed: 'the server could not read the join; use the same fedtune version as the server',
};

/** A join the server turned away, with its reason. */
export class JoinRefused extends ConfigError {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The error for a `refused` join: the server's reason and message, and the fix. A ConfigError,
 * since what the client was started with (its ids, its secret, its fedtune) is at fault.
 */
export function refusalError(reason: RefusalReason, message: string, url: string): JoinRefused {
  const detail = message === '' ? '' : ` (${message})`;
  return new JoinRefused(reason, `the server at ${url} refused the join: ${reason}${detail}; ${FIXES[reason]}`);
}
