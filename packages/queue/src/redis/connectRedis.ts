import type { Redis } from 'ioredis';
import { FedtuneError } from '@fedtune/core';
import type { RedisAddress } from './redisAddress.js';
import { redisClient, type ReconnectPolicy } from './redisClient.js';

/**
 * A {@link redisClient} for `address`, once it is connected, logged in and on its database.
 * The first failure ends it: a server that is down, refuses the login or fails the TLS check is
 * reported at once rather than retried, as it is once the client has been connected (by `policy`).
 * @throws FedtuneError naming the server (password masked) and the cause.
 */
export async function connectRedis(address: RedisAddress, policy: ReconnectPolicy = {}): Promise<Redis> {
  const client = redisClient(address, policy);
  try {
    await new Promise<void>((resolve, reject) => {
      let lastError: Error | undefined;
      const onError = (error: Error) => {
        lastError = error;
      };
      const onReady = () => {
        stop();
        resolve();
      };
      // ioredis reports a failed connection, login or ready check with 'error', then 'close'.
      const onClose = () => {
        stop();
        reject(lastError ?? new Error('the server closed the connection before it was ready'));
      };
      const stop = () => {
        client.off('error', onError).off('ready', onReady).off('close', onClose);
      };
      client.on('error', onError).once('ready', onReady).once('close', onClose);
      client.connect().catch(() => undefined);
    });
  } catch (error) {
    client.disconnect();
    throw unusableRedis(address, error);
  }
  return client;
}

/** The error for a Redis server that cannot be used, naming what to check. */
export function unusableRedis(address: RedisAddress, cause: unknown): FedtuneError {
  return new FedtuneError(
    `Cannot use the Redis server at ${address.display}: ${(cause as Error).message}. ` +
      'Start it (redis-server), or fix the host, port, password or TLS scheme in --queue.',
    { cause },
  );
}
