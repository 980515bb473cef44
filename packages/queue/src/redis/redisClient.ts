import { Redis } from 'ioredis';
import { parseRedisUrl, type RedisAddress } from './redisAddress.js';

/** First and longest pause between two attempts to reach Redis again. */
const FIRST_RECONNECT_DELAY_MS = 100;
const MAX_RECONNECT_DELAY_MS = 2000;

/** How long a {@link redisClient} tries to reach Redis again after its connection dropped. */
export interface ReconnectPolicy {
  /**
   * Waits between attempts add up to this, then the client ends: commands waiting for Redis fail
   * with "Connection is closed." and the client emits 'end'. Without it, the client tries for as
   * long as it is open.
   */
  giveUpAfterMs?: number;
}

/**
 * An ioredis client for `address`, set up for BullMQ's `connection` option as BullMQ asks and for
 * commands of one's own. `maxRetriesPerRequest: null`: a command sent while Redis is away waits for
 * the reconnection instead of failing after a few tries (BullMQ refuses anything else for the
 * blocking connections of workers and queue events). It reconnects with a backoff from 0.1 s to 2 s,
 * until `policy.giveUpAfterMs` if given. It connects on its first command or on `connect()`;
 * {@link connectRedis} does that and reports a server it cannot use. BullMQ leaves a client it was
 * given open, and duplicates it (policy included) for its blocking connections, which it closes
 * itself; whoever creates the client disconnects it.
 */
export function redisClient(address: RedisAddress | string, policy: ReconnectPolicy = {}): Redis {
  const { host, port, db, username, password, tls } = typeof address === 'string' ? parseRedisUrl(address) : address;
  return new Redis({
    host,
    port,
    db,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    // Node checks the certificate against the system's CAs and NODE_EXTRA_CA_CERTS, for the host's name.
    ...(tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => reconnectDelay(attempt, policy.giveUpAfterMs),
    lazyConnect: true,
  });
}

/**
 * The pause before reconnection attempt `attempt` (from 1; ioredis counts again from 1 after each
 * reconnection), or null to give up. It depends on `attempt` alone because ioredis copies the
 * policy into every duplicate of a client.
 */
function reconnectDelay(attempt: number, giveUpAfterMs: number | undefined): number | null {
  const backoff = (n: number) => Math.min(FIRST_RECONNECT_DELAY_MS * 2 ** (n - 1), MAX_RECONNECT_DELAY_MS);
  if (giveUpAfterMs === undefined) return backoff(attempt);
  let waited = 0;
  for (let n = 1; n < attempt; n++) waited += backoff(n);
  const left = giveUpAfterMs - waited;
  return left > 0 ? Math.min(backoff(attempt), left) : null;
}
