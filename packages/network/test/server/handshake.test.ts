import { createFedtuneContainer, isFedtuneError, runFingerprint } from '@fedtune/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FederationServer, type FederationServerOptions, generateClientTokens, JoinRateLimiter, TokenStore } from '../../src/index.js';
import { smallExperiment, startServer, type StartedServer, temporaryFolder } from './support/federationFixture.js';
import { ScriptedClient } from './support/scriptedClient.js';

const folder = temporaryFolder('server-handshake');
// Client 3 never joins, so the federation waits and every test meets the server before round 0.
const experiment = smallExperiment(4);
let started: StartedServer;

beforeAll(async () => {
  started = await startServer(folder.path, {
    experiment,
    joinTimeoutMs: 1_000,
    // Many joins come from one address here: the limit has its own test.
    rateLimiter: new JoinRateLimiter({ attempts: 1_000 }),
  });
});

afterAll(async () => {
  await started.server.stop();
  folder.remove();
});

/** Joins as `ids` with the tokens `tokenOf` gives and waits for the server to close the connection. */
async function refusedJoin(ids: number[], tokenOf: (id: number) => string, coreVersion?: string) {
  const client = await ScriptedClient.connect(started.server.url);
  client.join(ids, tokenOf, coreVersion);
  const code = await client.closed;
  return { code, client };
}

/** The one frame a refused connection gets: a refusal, and no byte of the experiment or the model. */
function onlyRefusal(client: ScriptedClient) {
  expect(client.receivedTypes).toEqual(['refused']);
  return client.received[0]?.message;
}

describe('the join handshake', () => {
  it('welcomes a client with the experiment as the server parsed it, its fingerprint and the ids accepted', async () => {
    const client = await ScriptedClient.joined(started.server.url, [2, 1], started.tokenOf);
    const welcome = await client.next('welcome');
    expect(JSON.parse(welcome.experimentJson)).toEqual(JSON.parse(JSON.stringify(experiment)));
    expect(welcome.fingerprint).toBe(runFingerprint(experiment));
    expect(welcome.clientIds).toEqual([1, 2]);
    client.close();
    await client.closed;
  });

  it('refuses a wrong token before sending anything else', async () => {
    const { code, client } = await refusedJoin([0], (id) => started.tokenOf(id + 1));
    expect(code).toBe(1008);
    expect(onlyRefusal(client)).toMatchObject({ reason: 'bad-token', message: expect.stringContaining('client 0') });
  });

  it('refuses the whole join when one of its ids has a wrong token', async () => {
    const { client } = await refusedJoin([0, 1], (id) => (id === 1 ? 'a guess' : started.tokenOf(id)));
    expect(onlyRefusal(client)).toMatchObject({ reason: 'bad-token', message: expect.stringContaining('client 1') });
  });

  it('refuses a client id the experiment does not have, naming its clients', async () => {
    const { client } = await refusedJoin([4], () => 'any');
    expect(onlyRefusal(client)).toMatchObject({
      reason: 'unknown-client',
      message: 'client 4 is not in this experiment, whose clients are 0..3',
    });
  });

  it('refuses an id a live connection holds, and a join that lists an id twice', async () => {
    const holder = await ScriptedClient.joined(started.server.url, [0], started.tokenOf);
    await holder.next('welcome');
    const second = await refusedJoin([0], started.tokenOf);
    expect(onlyRefusal(second.client)).toMatchObject({ reason: 'duplicate-client', message: expect.stringContaining('already connected') });
    const twice = await refusedJoin([1, 1], started.tokenOf);
    expect(onlyRefusal(twice.client)).toMatchObject({ reason: 'duplicate-client', message: 'the join lists client 1 twice' });
    // The holder is untouched, and once it leaves the id is free again.
    expect(holder.receivedTypes).toEqual(['welcome']);
    holder.close();
    await holder.closed;
    await expect.poll(() => started.log.some((line) => line.startsWith('client 0 (127.0.0.1) left'))).toBe(true);
    const again = await ScriptedClient.joined(started.server.url, [0], started.tokenOf);
    await again.next('welcome');
    again.close();
    await again.closed;
  });

  it('refuses a client computing with another core, naming the version to install', async () => {
    const { client } = await refusedJoin([0], started.tokenOf, '0.0.1-other');
    const refusal = onlyRefusal(client);
    expect(refusal).toMatchObject({ reason: 'version-mismatch', message: expect.stringContaining('0.0.1-other') });
  });

  it('refuses a first frame that is not a join, and one that is not a frame at all', async () => {
    const client = await ScriptedClient.connect(started.server.url);
    client.send({ type: 'roundEnd', runIndex: 0, round: 0, checkpoint: false });
    await client.closed;
    expect(onlyRefusal(client)).toMatchObject({ reason: 'malformed', message: 'the first frame must be a join, not a roundEnd' });

    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (garbage) => {
        const sender = await ScriptedClient.connect(started.server.url);
        sender.sendRaw(garbage);
        await sender.closed;
        expect(onlyRefusal(sender)).toMatchObject({ reason: 'malformed', message: expect.stringContaining('not a protocol frame') });
      }),
      { numRuns: 10 },
    );
  });

  it('closes a connection that sends no join in time', async () => {
    const client = await ScriptedClient.connect(started.server.url);
    expect(await client.closed).toBe(1008);
    expect(onlyRefusal(client)).toMatchObject({ reason: 'malformed', message: 'no join frame within 1 s of connecting' });
  });
});

describe('starting a server', () => {
  /** The configuration error a server started with `options` (over the suite's defaults) fails with. */
  async function startError(options: Partial<FederationServerOptions>): Promise<string> {
    const error: unknown = await FederationServer.start({
      experiment,
      experimentDir: folder.path,
      container: createFedtuneContainer(),
      tokens: TokenStore.fromSecrets(generateClientTokens(4)),
      host: '127.0.0.1',
      port: 0,
      outDir: folder.path,
      roundTimeoutMs: 1_000,
      log: () => {},
      ...options,
    }).then(
      () => new Error('the server started'),
      (caught: unknown) => caught,
    );
    expect(isFedtuneError(error, 'ConfigError')).toBe(true);
    return (error as Error).message;
  }

  it('refuses tokens that do not cover every client of the experiment, naming the missing ids and the fix', async () => {
    expect(await startError({ tokens: TokenStore.fromSecrets(generateClientTokens(2)) })).toBe(
      "the tokens file has no token for clients 2, 3 of the experiment's 4; write one for every client with fedtune tokens --clients 4 --out FILE (and give each client its secret)",
    );
  });

  it('refuses timeouts a timer cannot hold and min clients the experiment does not have', async () => {
    expect(await startError({ roundTimeoutMs: 2 ** 31 })).toBe(
      'the round timeout must be above 0 and at most 2147483647 ms (24.8 days), got 2147483648 ms',
    );
    expect(await startError({ roundTimeoutMs: 0 })).toContain('got 0 ms');
    expect(await startError({ minClients: 5 })).toBe("min clients must be a whole number from 1 to the experiment's 4 clients, got 5");
    expect(await startError({ startTimeoutMs: 1_000 })).toBe(
      'a start timeout needs min clients: give both, or neither to wait for every client',
    );
  });

  it('refuses an address another server holds', async () => {
    expect(await startError({ port: started.server.port })).toBe(
      `127.0.0.1:${started.server.port} is in use by another program; choose another port in --listen`,
    );
  });
});
