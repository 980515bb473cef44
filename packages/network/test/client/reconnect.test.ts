import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { joinFederation } from '../../src/index.js';
import { readLedger, slotCounts, smallExperiment, startServer, temporaryFolder } from '../server/support/federationFixture.js';
import { ScriptedClient, zeroUpload } from '../server/support/scriptedClient.js';
import { CuttableProxy } from './cuttableProxy.js';

const folder = temporaryFolder('client-reconnect');
afterAll(() => folder.remove());

/** Lines as they are logged, and a wait for a line to appear a given number of times. */
function watchedLog() {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  return {
    lines,
    log: (line: string) => {
      lines.push(line);
      for (const waiter of waiters) waiter();
    },
    async seen(pattern: RegExp, times = 1): Promise<void> {
      while (lines.filter((line) => pattern.test(line)).length < times) {
        await new Promise<void>((resolve) => {
          const waiter = () => {
            waiters.delete(waiter);
            resolve();
          };
          waiters.add(waiter);
        });
      }
    },
  };
}

describe('joinFederation with reconnect', () => {
  it('joins again after its connection is cut mid-federation, counted lost for that round only', async () => {
    const serverLog = watchedLog();
    const { server, tokenOf, outDir } = await startServer(folder.path, {
      experiment: smallExperiment(2, { training: { rounds: 3 } }),
      log: serverLog.log,
    });
    const proxy = await CuttableProxy.start(server.port);
    const scripted = await ScriptedClient.joined(server.url, [0], tokenOf);
    const clientLog = watchedLog();
    const joined = joinFederation({
      url: proxy.url,
      tokens: new Map([[1, tokenOf(1)]]),
      dataDir: folder.path,
      resolveFrom: fileURLToPath(new URL('.', import.meta.url)),
      log: clientLog.log,
      reconnect: { firstDelayMs: 10 },
      // Cut as round 0 ends: round 1 is assigned to a connection that is gone.
      onRound: (event) => {
        if (event.round === 0) proxy.cut();
      },
    });

    await scripted.next('welcome');
    await scripted.next('runStart');
    scripted.send(zeroUpload(await scripted.next('assign')));
    await scripted.next('roundEnd');
    const roundOne = await scripted.next('assign');
    // Round 1 stays open until client 1 is back, so it plays round 2.
    await serverLog.seen(/^client 1 \(127\.0\.0\.1\) joined/, 2);
    scripted.send(zeroUpload(roundOne));
    await scripted.next('roundEnd');
    scripted.send(zeroUpload(await scripted.next('assign')));
    await scripted.next('roundEnd');
    await scripted.next('finish');

    const totals = await joined;
    await server.summaries;
    await proxy.close();
    expect(slotCounts(readLedger(outDir))).toEqual([
      { participants: 2, uploaded: 2, skipped: 0, lost: 0, rejected: 0 },
      { participants: 2, uploaded: 1, skipped: 0, lost: 1, rejected: 0 },
      { participants: 2, uploaded: 2, skipped: 0, lost: 0, rejected: 0 },
    ]);
    expect(serverLog.lines.some((line) => /^round 1: client 1 slot 0 lost: (the connection closed|not connected)$/.test(line))).toBe(true);
    // One run, gone on with after the rejoin rather than started again.
    expect(totals.runs).toBe(1);
    expect(clientLog.lines).toContain(`joined ${proxy.url} again as client 1`);
    expect(clientLog.lines).toContain('run 1/1: lora, going on with the memory it has');
    expect(clientLog.lines.some((line) => /closed before the federation finished.*; joining again in 0\.01 s \(try 1 of 12\)$/.test(line))).toBe(true);
  });
});
