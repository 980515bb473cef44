import { afterAll, describe, expect, it } from 'vitest';
import { JoinRateLimiter } from '../../src/index.js';
import { smallExperiment, startServer, temporaryFolder } from './support/federationFixture.js';
import { ScriptedClient } from './support/scriptedClient.js';

const folder = temporaryFolder('server-rate-limit');
afterAll(() => folder.remove());

describe('join rate limiting', () => {
  it('turns away an address past its join attempts before reading its join, until its allowance comes back', async () => {
    let now = 0;
    const rateLimiter = new JoinRateLimiter({ attempts: 2, intervalMs: 10_000, now: () => now });
    const { server, tokenOf } = await startServer(folder.path, { experiment: smallExperiment(3), rateLimiter });
    /** Joins as `id` (with its own token) and returns every frame type it got until the server or the test closed it. */
    const attempt = async (id: number) => {
      const client = await ScriptedClient.joined(server.url, [id], tokenOf);
      const first = await client.next();
      if (first.type === 'welcome') client.close();
      await client.closed;
      return { types: client.receivedTypes, first };
    };

    expect((await attempt(0)).types).toEqual(['welcome']);
    expect((await attempt(1)).types).toEqual(['welcome']);
    const limited = await attempt(2);
    expect(limited.types).toEqual(['refused']);
    expect(limited.first).toEqual({
      type: 'refused',
      reason: 'rate-limited',
      message: 'too many join attempts from 127.0.0.1; try again in 5 s',
    });
    // Half the interval brings back one attempt of the two.
    now = 5_000;
    expect((await attempt(2)).types).toEqual(['welcome']);
    expect((await attempt(2)).first).toMatchObject({ reason: 'rate-limited' });
    await server.stop();
  });
});
