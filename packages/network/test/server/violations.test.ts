import { afterAll, describe, expect, it } from 'vitest';
import { readLedger, slotCounts, smallExperiment, startServer, temporaryFolder } from './support/federationFixture.js';
import { answerUntilFinish, ScriptedClient, zeroUpload } from './support/scriptedClient.js';

const folder = temporaryFolder('server-violations');
afterAll(() => folder.remove());

/** Waits for the error frame a dropped client gets, and for the close after it. */
async function droppedWith(client: ScriptedClient) {
  const error = await client.next('error');
  return { error, code: await client.closed };
}

describe('a client that breaks the protocol', () => {
  it('is dropped and counted rejected for an upload for another client, another round or a second upload; the federation goes on', async () => {
    const { server, tokenOf, outDir, log } = await startServer(folder.path, { experiment: smallExperiment(4) });
    const joined = await Promise.all([0, 1, 2, 3].map((id) => ScriptedClient.joined(server.url, [id], tokenOf)));
    const [honest, otherClient, otherRound, twice] = joined as [ScriptedClient, ScriptedClient, ScriptedClient, ScriptedClient];
    for (const client of joined) await client.next('welcome');
    const assignOf = async (client: ScriptedClient) => {
      await client.next('runStart');
      return client.next('assign');
    };

    const forOther = await assignOf(otherClient);
    otherClient.send({ ...zeroUpload(forOther), clientId: 0 });
    const forLater = await assignOf(otherRound);
    otherRound.send({ ...zeroUpload(forLater), round: forLater.round + 1 });
    const answered = await assignOf(twice);
    twice.send(zeroUpload(answered));
    twice.send(zeroUpload(answered));

    const drops = await Promise.all([otherClient, otherRound, twice].map(droppedWith));
    expect(drops.map(({ error, code }) => [error.code, code])).toEqual([
      ['wrong-client', 1008],
      ['out-of-order', 1008],
      ['out-of-order', 1008],
    ]);
    expect(drops[0]?.error.message).toBe('an upload for client 0; this connection joined as client 1');
    expect(drops[1]?.error.message).toBe(
      'an upload for run 0, round 1, client 2, slot 0, which answers no assignment this connection holds (another run or round, or a second upload)',
    );
    expect(drops[2]?.error.message).toContain('run 0, round 0, client 3, slot 0, which answers no assignment');

    // The honest client answers round 0 only now, so every drop happened within round 0.
    honest.send(zeroUpload(await assignOf(honest)));
    expect(await answerUntilFinish(honest)).toHaveLength(1);
    const [summary] = await server.summaries;
    expect(summary?.rounds).toBe(2);

    // Round 0: the two slots still unanswered when their clients were dropped are rejected; the
    // slot answered before the second upload stays uploaded. Round 1: the dropped are not connected.
    expect(slotCounts(readLedger(outDir))).toEqual([
      { participants: 4, uploaded: 2, skipped: 0, lost: 0, rejected: 2 },
      { participants: 4, uploaded: 1, skipped: 0, lost: 3, rejected: 0 },
    ]);
    expect(log).toContain('round 1: client 1 slot 0 lost: not connected');
    expect(log.some((line) => line.startsWith('round 0: client 1 slot 0 rejected: the client was dropped: an upload for client 0'))).toBe(true);
  });

  it('is dropped and counted rejected for an upload reporting more samples than its slot holds, which would outweigh every other client', async () => {
    const { server, tokenOf, outDir } = await startServer(folder.path, { experiment: smallExperiment(2) });
    const [honest, inflating] = await Promise.all([0, 1].map((id) => ScriptedClient.joined(server.url, [id], tokenOf)));
    for (const client of [honest, inflating]) await client!.next('welcome');
    await inflating!.next('runStart');
    const assign = await inflating!.next('assign');
    inflating!.send({ ...zeroUpload(assign), samples: 4_000_000_000 });
    const { error, code } = await droppedWith(inflating!);
    expect([error.code, error.message, code]).toEqual([
      'malformed',
      'an upload for run 0, round 0, client 1, slot 0 reporting 4000000000 training samples; the slot holds 40',
      1008,
    ]);
    await honest!.next('runStart');
    honest!.send(zeroUpload(await honest!.next('assign')));
    expect(await answerUntilFinish(honest!)).toHaveLength(1);
    await server.summaries;
    expect(slotCounts(readLedger(outDir))[0]).toEqual({ participants: 2, uploaded: 1, skipped: 0, lost: 0, rejected: 1 });
  });

  it('is dropped for any other frame after the welcome, and may join again', async () => {
    const { server, tokenOf } = await startServer(folder.path, { experiment: smallExperiment(2) });
    const client = await ScriptedClient.joined(server.url, [1], tokenOf);
    await client.next('welcome');
    client.join([1], tokenOf);
    const { error, code } = await droppedWith(client);
    expect([error.code, error.message, code]).toEqual(['out-of-order', 'a join frame; after the welcome a client sends uploads only', 1008]);
    const again = await ScriptedClient.joined(server.url, [1], tokenOf);
    await again.next('welcome');
    await server.stop();
    await expect(server.summaries).rejects.toThrow('the federation server was stopped');
  });
});
