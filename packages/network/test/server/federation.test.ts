import { join } from 'node:path';
import { createFedtuneContainer, registerNamed, SELECTOR, type AssignMessage, type Selector } from '@fedtune/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readLedger, slotCounts, smallExperiment, startServer, temporaryFolder } from './support/federationFixture.js';
import { REPORTED, ScriptedClient, skippedUpload, valuesIn, zeroUpload } from './support/scriptedClient.js';

const folder = temporaryFolder('server-federation');
afterAll(() => folder.remove());

/** `all`, but declaring that its skip rule weighs the previous global model, as AQUILA's and LAQ's do. */
const weighsPrevious = {
  name: 'weighs-previous',
  plugin: 'network-server-test',
  create: (): Selector => ({ name: 'weighs-previous', usesPreviousGlobal: true, sample: ({ clientIds }) => clientIds.slice(), shouldUpload: () => true }),
};

describe('a federation of honest clients', () => {
  it('assigns every slot, takes the uploads into the ledger and counts every frame byte', async () => {
    const container = createFedtuneContainer();
    registerNamed(container, SELECTOR, weighsPrevious);
    const experiment = smallExperiment(2, { label: 'plain', compare: [{ label: 'lazy', selector: 'weighs-previous' }] });
    const { server, tokenOf, outDir } = await startServer(folder.path, { experiment, container });

    // One connection speaks for both clients.
    const client = await ScriptedClient.joined(server.url, [0, 1], tokenOf);
    expect((await client.next('welcome')).clientIds).toEqual([0, 1]);
    const assigns: AssignMessage[] = [];
    for (;;) {
      const message = await client.nextAssignOrFinish();
      if (message.type === 'finish') break;
      assigns.push(message);
      const skips = message.runIndex === 1 && message.round === 1 && message.clientId === 1;
      client.send(skips ? skippedUpload(message) : zeroUpload(message));
    }
    const summaries = await server.summaries;
    expect(await client.closed).toBe(1000);

    expect(summaries.map((summary) => summary.label)).toEqual(['plain', 'lazy']);
    expect(client.receivedTypes).toEqual([
      'welcome',
      ...['runStart', 'assign', 'assign', 'roundEnd', 'assign', 'assign', 'roundEnd'],
      ...['runStart', 'assign', 'assign', 'roundEnd', 'assign', 'assign', 'roundEnd'],
      'finish',
    ]);
    const runStarts = client.received.filter((frame) => frame.message.type === 'runStart').map((frame) => frame.message);
    expect(runStarts).toEqual([
      { type: 'runStart', runIndex: 0, label: 'plain', restoreRound: 0 },
      { type: 'runStart', runIndex: 1, label: 'lazy', restoreRound: 0 },
    ]);
    expect(assigns.map(({ runIndex, round, clientId, slot, forced }) => [runIndex, round, clientId, slot, forced])).toEqual([
      [0, 0, 0, 0, false],
      [0, 0, 1, 0, false],
      [0, 1, 0, 0, false],
      [0, 1, 1, 0, false],
      [1, 0, 0, 0, false],
      [1, 0, 1, 0, false],
      [1, 1, 0, 0, false],
      [1, 1, 1, 0, false],
    ]);
    // The previous global goes only where the run's rule weighs it, and from round 1 on.
    expect(assigns.map((assign) => assign.previousGlobal !== undefined)).toEqual([false, false, false, false, false, false, true, true]);
    for (const assign of assigns) expect(valuesIn(assign.start)).toBe(summaries[0]?.trainableParameters);

    const main = readLedger(outDir);
    const lazy = readLedger(join(outDir, 'compare', 'lazy'));
    expect(slotCounts(main)).toEqual([
      { participants: 2, uploaded: 2, skipped: 0, lost: 0, rejected: 0 },
      { participants: 2, uploaded: 2, skipped: 0, lost: 0, rejected: 0 },
    ]);
    expect(slotCounts(lazy)).toEqual([
      { participants: 2, uploaded: 2, skipped: 0, lost: 0, rejected: 0 },
      { participants: 2, uploaded: 1, skipped: 1, lost: 0, rejected: 0 },
    ]);
    // The clients' own losses, weighed by the samples they report.
    for (const row of [...main, ...lazy]) expect(row.trainLoss).toBe(REPORTED.loss);
    const startBytes = assigns[0]?.start.byteLength ?? 0;
    expect(main.map((row) => [row.uplinkBytes, row.downlinkBytes])).toEqual([
      [2 * startBytes, 2 * startBytes],
      [2 * startBytes, 2 * startBytes],
    ]);
    expect(lazy[1]?.uplinkBytes).toBe(startBytes);

    // Every frame crossed is in some row, but the last roundEnd and the finish, sent after the last row.
    const rows = [...main, ...lazy];
    const sum = (values: (number | undefined)[]) => values.reduce<number>((total, value) => total + (value ?? Number.NaN), 0);
    expect(sum(rows.map((row) => row.uplinkWireBytes))).toBe(client.sentBytes);
    const received = client.received.map((frame) => frame.bytes);
    expect(sum(rows.map((row) => row.downlinkWireBytes))).toBe(sum(received.slice(0, -2)));
  });
});
