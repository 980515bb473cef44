import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  corePlugin,
  createFedtuneContainer,
  encodeFloat32Payload,
  expandRuns,
  parseExperiment,
  prepareFederation,
  prepareRun,
  runFingerprint,
  SimulatedClients,
  type ClientModel,
  type SlotOutcome,
  type UploadMessage,
} from '@fedtune/core';
import { joinFederation, type ClientRoundEvent } from '../../src/index.js';
import { FakeServer } from './fakeServer.js';

// Main run: rank 2 with QSGD, whose stochastic rounding makes every payload byte depend on the
// seed, round and client. Comparison: clients of odd id train a rank-1 slice, sent and uploaded cut.
const experiment = parseExperiment({
  name: 'join-equality',
  seed: 5,
  data: { numClients: 4, partition: { kind: 'iid' }, trainLimit: 400, testLimit: 100 },
  adapter: { rank: 2, alpha: 4 },
  compressor: { name: 'qsgd', options: { levels: 8 } },
  training: { rounds: 2, localSteps: 3, batchSize: 32, learningRate: 0.005 },
  compare: [{ label: 'sliced', compressor: 'none', adapter: { clientRanks: [2, 1] } }],
});

/** The client ids this process joins as: one full-rank client and one sliced, not the first ids. */
const held = [0, 3];
const tokens = new Map([
  [0, 'secret-of-zero'],
  [3, 'secret-of-three'],
]);
const resolveFrom = fileURLToPath(new URL('.', import.meta.url));

let server: FakeServer;
beforeEach(async () => {
  server = await FakeServer.start();
});
afterEach(async () => {
  await server.close();
});

/** `vector` as the server sends it to `model`: its slice under heterogeneous ranks. */
function cut(vector: Float32Array, model: ClientModel): Float32Array {
  return model.slice === undefined ? vector : Float32Array.from(model.slice, (index) => vector[index] as number);
}

/** The upload a faithful client sends for `outcome` (what the test process computed itself). */
function expectedUpload(address: Pick<UploadMessage, 'runIndex' | 'round' | 'clientId' | 'slot'>, outcome: SlotOutcome, values: number) {
  if (outcome.kind !== 'sent') throw new Error(`the reference client did not send: ${outcome.kind}`);
  return { type: 'upload', ...address, outcome: 'sent', loss: outcome.loss, samples: outcome.samples, values, payload: hex(outcome.payload) };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('joinFederation', () => {
  it("uploads, byte for byte, what core's SimulatedClients computes for the same assignments", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fedtune-join-'));
    const rounds: ClientRoundEvent[] = [];
    const joined = joinFederation({ url: server.url, tokens, dataDir, resolveFrom, log: () => {}, onRound: (event) => rounds.push(event) });
    const peer = await server.nextPeer();

    const joinFrame = await peer.expect('join');
    expect(joinFrame.clients).toEqual([
      { clientId: 0, token: 'secret-of-zero' },
      { clientId: 3, token: 'secret-of-three' },
    ]);
    expect(joinFrame.coreVersion).toBe(corePlugin.version);
    peer.send({ type: 'welcome', experimentJson: JSON.stringify(experiment), fingerprint: runFingerprint(experiment), clientIds: held });

    // The reference: core's own clients in this process, given the same assignments.
    const federation = await prepareFederation(experiment, dataDir);
    const container = createFedtuneContainer();
    let payloadBytes = 0;
    for (const [runIndex, spec] of expandRuns(experiment).entries()) {
      peer.send({ type: 'runStart', runIndex, label: spec.label, restoreRound: 0 });
      const run = await prepareRun(spec, federation, { container, workers: 1, resolveFrom });
      const reference = new SimulatedClients({ seed: experiment.seed, components: run.components, modelOf: run.modelOf });
      const initial = run.adapter.instance.initialParameters(federation.base.frozen);
      const moved = initial.map((value, index) => value + 0.01 * Math.sin(index));
      for (const round of [0, 1]) {
        // Round 1 carries the previous global, as for a skip rule that weighs it.
        const [global, previous] = round === 0 ? [initial, undefined] : [moved, initial];
        const expected: Promise<ReturnType<typeof expectedUpload>>[] = [];
        // Every assignment goes out before any upload comes back: trainings overlap on the client.
        for (const clientId of held) {
          const model = run.modelOf(clientId);
          for (const slot of run.clients[clientId]?.slots ?? []) {
            const start = cut(global, model);
            const previousGlobal = previous === undefined ? start : cut(previous, model);
            const address = { runIndex, round, clientId, slot: slot.slot ?? 0 };
            peer.send({
              type: 'assign',
              ...address,
              forced: round === 0,
              start: encodeFloat32Payload(start),
              ...(previous === undefined ? {} : { previousGlobal: encodeFloat32Payload(previousGlobal) }),
            });
            const outcome = reference.run({ round, clientId, slot, start, previousGlobal, forced: round === 0 });
            expected.push(outcome.then((settled) => expectedUpload(address, settled, start.length)));
          }
        }
        const uploads = [];
        for (let count = 0; count < expected.length; count++) {
          const upload = await peer.expect('upload');
          uploads.push(upload.outcome === 'sent' ? { ...upload, payload: hex(upload.payload) } : upload);
        }
        const wanted = await Promise.all(expected);
        expect(uploads).toEqual(wanted);
        payloadBytes += wanted.reduce((sum, upload) => sum + upload.payload.length / 2, 0);
        peer.send({ type: 'roundEnd', runIndex, round, checkpoint: false });
      }
      await run.close();
    }
    peer.send({ type: 'finish' });

    const totals = await joined;
    expect(totals).toMatchObject({ clientIds: held, runs: 2, uploads: 8, payloadBytes });
    expect(rounds.map((event) => [event.runIndex, event.round, event.uploads])).toEqual([
      [0, 0, 2],
      [0, 1, 2],
      [1, 0, 2],
      [1, 1, 2],
    ]);
    expect(rounds.reduce((sum, event) => sum + event.payloadBytes, 0)).toBe(payloadBytes);
    expect(await peer.closed).toBe(1000);
  }, 120_000);
});
