import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../src/redis/connectRedis.js';
import { parseRedisUrl } from '../src/redis/redisAddress.js';
import { startTestRedis, type TestRedis } from '../src/testing/index.js';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.stop();
});

describe('connectRedis', () => {
  it("works in the URL's database", async () => {
    const inThree = await connectRedis(parseRedisUrl(`${redis.url}/3`));
    const inZero = await connectRedis(parseRedisUrl(redis.url));
    try {
      await inThree.set('fedtune:test:db', 'three');
      expect(await inZero.get('fedtune:test:db')).toBeNull();
      expect(await inThree.get('fedtune:test:db')).toBe('three');
      expect(await inZero.select(3).then(() => inZero.get('fedtune:test:db'))).toBe('three');
    } finally {
      inThree.disconnect();
      inZero.disconnect();
    }
  });

  it('fails at once, naming the server, when nothing answers, instead of retrying', async () => {
    const started = Date.now();
    await expect(connectRedis(parseRedisUrl('redis://:secret@127.0.0.1:1'))).rejects.toThrow(
      /^Cannot use the Redis server at redis:\/\/:\*\*\*@127\.0\.0\.1:1: connect ECONNREFUSED .*Start it \(redis-server\)/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
