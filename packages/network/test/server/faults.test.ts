import { encodeMessage } from '@fedtune/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { JoinRateLimiter } from '../../src/index.js';
import { readLedger, slotCounts, smallExperiment, startServer, temporaryFolder } from './support/federationFixture.js';
import { answerUntilFinish, ScriptedClient, zeroUpload } from './support/scriptedClient.js';

const folder = temporaryFolder('server-faults');
afterAll(() => folder.remove());

/** Joins as client `id` and waits for the welcome. */
async function joinedAs(url: string, id: number, tokenOf: (id: number) => string): Promise<ScriptedClient> {
  const client = await ScriptedClient.joined(url, [id], tokenOf);
  await client.next('welcome');
  return client;
}

describe('faults', () => {
  it('drops a client whose frame is over the largest legal frame, counting its slot rejected', async () => {
    const { server, tokenOf, outDir, log } = await startServer(folder.path, { experiment: smallExperiment(2) });
    const honest = await joinedAs(server.url, 0, tokenOf);
    const oversized = await joinedAs(server.url, 1, tokenOf);
    await oversized.next('runStart');
    const assign = await oversized.next('assign');
    // A valid upload padded past the limit: the size alone refuses it, before it is read.
    const frame = encodeMessage(zeroUpload(assign));
    const padded = new Uint8Array(server.maxPayload + 1);
    padded.set(frame);
    oversized.sendRaw(padded);
    expect(await oversized.closed).toBe(1009);
    expect(await answerUntilFinish(honest)).toHaveLength(2);
    await server.summaries;
    expect(slotCounts(readLedger(outDir))).toEqual([
      { participants: 2, uploaded: 1, skipped: 0, lost: 0, rejected: 1 },
      { participants: 2, uploaded: 1, skipped: 0, lost: 1, rejected: 0 },
    ]);
    expect(log.some((line) => line.startsWith('client 1 (127.0.0.1) dropped: a WebSocket frame the server refused'))).toBe(true);
  });

  it('drops a client that sends garbage after its welcome, with an error frame', async () => {
    const { server, tokenOf } = await startServer(folder.path, {
      // Client 0 never joins: the server waits, and each garbage sender may join again as client 1.
      experiment: smallExperiment(2),
      rateLimiter: new JoinRateLimiter({ attempts: 1_000 }),
    });
    const envelope = [0x46, 0x54, 0x57, 0x50, 0x01];
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // A valid envelope of any type, then random bytes: the body decoder has to refuse it.
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 })).map(([type, body]) => new Uint8Array([...envelope, type, ...body])),
    );
    await fc.assert(
      fc.asyncProperty(garbage, async (bytes) => {
        const client = await joinedAs(server.url, 1, tokenOf);
        client.sendRaw(bytes);
        const error = await client.next('error');
        expect(['malformed', 'out-of-order', 'wrong-client']).toContain(error.code);
        expect(await client.closed).toBe(1008);
        expect(client.receivedTypes).toEqual(['welcome', 'error']);
      }),
      { numRuns: 12 },
    );
    await server.stop();
  });

  it('counts a client that misses the round timeout lost, ignores its late upload and keeps it for the next round', async () => {
    const { server, tokenOf, outDir, log } = await startServer(folder.path, { experiment: smallExperiment(2), roundTimeoutMs: 3_000 });
    const honest = await joinedAs(server.url, 0, tokenOf);
    const slow = await joinedAs(server.url, 1, tokenOf);
    const answeredByHonest = answerUntilFinish(honest);
    await slow.next('runStart');
    const late = await slow.next('assign');
    // Round 0 ends without it: only then does its upload come.
    expect(await slow.next('roundEnd')).toEqual({ type: 'roundEnd', runIndex: 0, round: 0, checkpoint: false });
    slow.send(zeroUpload(late));
    const nextAssign = await slow.next('assign');
    slow.send(zeroUpload(nextAssign));
    await slow.next('roundEnd');
    await slow.next('finish');
    expect(await answeredByHonest).toHaveLength(2);
    await server.summaries;
    expect(slotCounts(readLedger(outDir))).toEqual([
      { participants: 2, uploaded: 1, skipped: 0, lost: 1, rejected: 0 },
      { participants: 2, uploaded: 2, skipped: 0, lost: 0, rejected: 0 },
    ]);
    expect(log).toContain('round 0: client 1 slot 0 lost: no upload within the round timeout (3 s)');
    expect(log).toContain('client 1 (127.0.0.1): upload for run 0, round 0, client 1, slot 0 came after the round timeout; ignored');
  });

  it('counts a client that disconnects mid-round lost, and takes it back when it joins again', async () => {
    const { server, tokenOf, outDir, log } = await startServer(folder.path, { experiment: smallExperiment(2) });
    const honest = await joinedAs(server.url, 0, tokenOf);
    const leaving = await joinedAs(server.url, 1, tokenOf);
    await leaving.next('runStart');
    await leaving.next('assign');
    leaving.close();
    await leaving.closed;
    const back = await joinedAs(server.url, 1, tokenOf);
    // Joined mid-run, it learns which run its assignments belong to.
    expect(await back.next('runStart')).toEqual({ type: 'runStart', runIndex: 0, label: 'lora' });
    // The honest client holds round 0 open until the rejoin, so round 1 finds client 1 connected.
    const answeredByBack = answerUntilFinish(back);
    expect(await answerUntilFinish(honest)).toHaveLength(2);
    expect((await answeredByBack).map((assign) => assign.round)).toEqual([1]);
    await server.summaries;
    expect(slotCounts(readLedger(outDir))).toEqual([
      { participants: 2, uploaded: 1, skipped: 0, lost: 1, rejected: 0 },
      { participants: 2, uploaded: 2, skipped: 0, lost: 0, rejected: 0 },
    ]);
    expect(log).toContain('round 0: client 1 slot 0 lost: the connection closed');
  });

  it('starts with min clients after the start timeout, counting the absent client lost', async () => {
    const { server, tokenOf, outDir, log } = await startServer(folder.path, { experiment: smallExperiment(3), minClients: 2, startTimeoutMs: 200 });
    const clients = await Promise.all([0, 2].map((id) => joinedAs(server.url, id, tokenOf)));
    await Promise.all(clients.map(answerUntilFinish));
    await server.summaries;
    expect(log).toContain('starting with 2 of 3 clients connected');
    expect(slotCounts(readLedger(outDir))).toEqual([
      { participants: 3, uploaded: 2, skipped: 0, lost: 1, rejected: 0 },
      { participants: 3, uploaded: 2, skipped: 0, lost: 1, rejected: 0 },
    ]);
    expect(log).toContain('round 0: client 1 slot 0 lost: not connected');
  });
});
