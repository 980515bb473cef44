import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FedtuneError } from '@fedtune/core';
import { parseRedisUrl } from '../src/redis/redisAddress.js';
import { QueueLink } from '../src/run/queueLink.js';
import { startTestRedis, type TestRedis } from '../src/testing/index.js';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.stop();
});

/** A link on the test's Redis, closed after `body` whatever happens. */
async function withLink<T>(reconnectMs: number, body: (link: QueueLink, notes: string[]) => Promise<T>): Promise<T> {
  const notes: string[] = [];
  const link = await QueueLink.open(parseRedisUrl(redis.url), { reconnectMs, log: (line) => notes.push(line) });
  try {
    return await body(link, notes);
  } finally {
    await link.close();
  }
}

/** The error the link reports when Redis is lost, or undefined if it reports none within `ms`. */
function lostWithin(link: QueueLink, ms: number): Promise<FedtuneError | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(undefined);
    }, ms);
    const stop = link.onLost((error) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

describe("a run's link to Redis", () => {
  it('rides out dropped connections: commands wait for the reconnection and the run goes on', async () => {
    await withLink(10_000, async (link, notes) => {
      const lost = lostWithin(link, 3000);
      const admin = new Redis(redis.port, '127.0.0.1');
      try {
        // Drops every connection but the admin's own, the queue's and its events' included.
        await admin.client('KILL', 'TYPE', 'normal');
      } finally {
        admin.disconnect();
      }
      await expect(link.guard(link.client.set('fedtune:test:blip', 'kept'))).resolves.toBe('OK');
      expect(await link.workerCount()).toBe(0);
      expect(await lost).toBeUndefined();
      expect(notes).toContain('note: reconnected to Redis; the run goes on');
    });
  });

  it('is lost, naming --resume, once Redis stays away longer than reconnectMs, and closes all the same', async () => {
    try {
      await withLink(1000, async (link) => {
        const lost = lostWithin(link, 10_000);
        await redis.kill();
        const waiting = link.guard(link.client.get('fedtune:test:anything'));
        await expect(waiting).rejects.toThrow(
          /^Lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+ \(unreachable for 1 s: connect ECONNREFUSED .*`fedtune run --resume DIR --queue URL`/,
        );
        expect(await lost).toBeDefined();
      });
    } finally {
      await redis.restart();
    }
  });

  it('is lost at once when Redis comes back within reconnectMs without the run\'s data (restarted)', async () => {
    await withLink(60_000, async (link) => {
      const lost = lostWithin(link, 20_000);
      await redis.kill();
      await redis.restart();
      expect((await lost)?.message).toMatch(/\(it came back without this run's data \(restarted without persistence, or another server\)\).*--resume/);
    });
  });
});
