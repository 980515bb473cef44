import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueueWorker } from '../src/index.js';
import { startTestRedis, type TestRedis } from '../src/testing/index.js';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis({ password: 'p@ss word' });
});

afterAll(async () => {
  await redis?.stop();
});

describe('a Redis server that requires a password', () => {
  it("is used with the URL's password", async () => {
    const worker = await startQueueWorker({ url: redis.url });
    expect(worker.address).toMatch(/^redis:\/\/:\*\*\*@127\.0\.0\.1:\d+$/);
    await worker.close();
  });

  it('refuses a wrong password with an error that names the server, not the password', async () => {
    const wrong = redis.url.replace(/:[^:@/]*@/, ':guess@');
    const started = startQueueWorker({ url: wrong });
    await expect(started).rejects.toThrow(/Cannot use the Redis server at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/);
    await expect(started).rejects.not.toThrow(/guess/);
  });

  it('refuses no password', async () => {
    const bare = redis.url.replace(/\/\/[^@]*@/, '//');
    await expect(startQueueWorker({ url: bare })).rejects.toThrow(/NOAUTH Authentication required/);
  });
});
