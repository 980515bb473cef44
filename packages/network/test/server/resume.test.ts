import { afterAll, describe, expect, it } from 'vitest';
import { readLedger, slotCounts, smallExperiment, startServer, temporaryFolder } from './support/federationFixture.js';
import { answerUntilFinish, ScriptedClient, zeroUpload } from './support/scriptedClient.js';

const folder = temporaryFolder('server-resume');
afterAll(() => folder.remove());

describe('a stopped server', () => {
  it('writes nothing of the round in progress, and goes on from its checkpoint with --resume', async () => {
    const experiment = smallExperiment(1, { training: { rounds: 3 } });
    const first = await startServer(folder.path, { experiment, checkpointEvery: 1 });
    const client = await ScriptedClient.joined(first.server.url, [0], first.tokenOf);
    await client.next('welcome');
    expect(await client.next('runStart')).toEqual({ type: 'runStart', runIndex: 0, label: 'lora', restoreRound: 0 });
    for (const round of [0, 1]) {
      const assign = await client.next('assign');
      expect(assign.round).toBe(round);
      client.send(zeroUpload(assign));
      // A checkpoint follows every round but the last: clients keep a copy of their memory.
      expect(await client.next('roundEnd')).toEqual({ type: 'roundEnd', runIndex: 0, round, checkpoint: true });
    }
    // Stopped while round 2 waits for its upload.
    expect((await client.next('assign')).round).toBe(2);
    await first.server.stop();
    await expect(first.server.summaries).rejects.toThrow('the federation server was stopped');
    expect(await client.closed).toBe(1001);
    expect(readLedger(first.outDir).map((row) => row.round)).toEqual([0, 1]);

    const second = await startServer(folder.path, { experiment, outDir: first.outDir, resume: true, overwrite: false });
    const again = await ScriptedClient.joined(second.server.url, [0], second.tokenOf);
    await again.next('welcome');
    // The resumed server goes on from the checkpoint before round 2: clients restore that memory.
    expect(await again.next('runStart')).toEqual({ type: 'runStart', runIndex: 0, label: 'lora', restoreRound: 2 });
    expect((await answerUntilFinish(again)).map((assign) => assign.round)).toEqual([2]);
    await second.server.summaries;
    expect(slotCounts(readLedger(first.outDir))).toEqual([
      { participants: 1, uploaded: 1, skipped: 0, lost: 0, rejected: 0 },
      { participants: 1, uploaded: 1, skipped: 0, lost: 0, rejected: 0 },
      { participants: 1, uploaded: 1, skipped: 0, lost: 0, rejected: 0 },
    ]);
  });
});
