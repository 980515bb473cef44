import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import type { ClientSide, SlotAssignment } from '../../src/engine/clientSide.js';
import type { LedgerRow } from '../../src/engine/ledger.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { parseExperiment } from '../../src/experiment/index.js';

const experiment = parseExperiment({
  name: 'client-side-test',
  seed: 3,
  data: { numClients: 4, partition: { kind: 'iid' }, trainLimit: 400, testLimit: 100 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 2, localSteps: 3, batchSize: 32, learningRate: 0.005 },
  compare: [{ label: 'qsgd', compressor: { name: 'qsgd', options: { levels: 8 } } }],
});

const ledger = (dir: string) =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { wallMs: _wallMs, ...row } = JSON.parse(line) as LedgerRow;
      return row;
    });

describe('the client side of a run', () => {
  it('is what runExperiment is given: each run\'s clients are asked for every slot, in order, and their outcomes counted', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fedtune-client-side-'));
    const straight = join(root, 'straight');
    const relayed = join(root, 'relayed');
    await runExperiment(experiment, { outDir: straight, experimentDir: root, container: createFedtuneContainer() });

    const asked: { run: number; round: number; clientId: number }[] = [];
    const runs: string[] = [];
    await runExperiment(experiment, {
      outDir: relayed,
      experimentDir: root,
      container: createFedtuneContainer(),
      // A relay in front of the in-process clients, as a server is in front of remote ones; client 2
      // never answers in round 1.
      clientSide: ({ index, label, simulated }): ClientSide => {
        runs.push(`${index}:${label}`);
        return {
          run: async (assignment: SlotAssignment) => {
            asked.push({ run: index, round: assignment.round, clientId: assignment.clientId });
            const outcome = await simulated.run(assignment);
            if (assignment.round === 1 && assignment.clientId === 2) return { kind: 'lost', samples: outcome.samples, reason: 'deadline missed' };
            return outcome;
          },
        };
      },
    });
    expect(runs).toEqual(['0:lora', '1:qsgd']);
    expect(asked.filter((a) => a.run === 0).map((a) => `${a.round}/${a.clientId}`)).toEqual(['0/0', '0/1', '0/2', '0/3', '1/0', '1/1', '1/2', '1/3']);

    const [first, second] = [ledger(straight), ledger(relayed)];
    // Round 0 is the same through the relay; in round 1 client 2's upload is lost, its bytes never counted.
    expect(second[0]).toEqual(first[0]);
    expect(second[1]?.lost).toBe(1);
    expect(second[1]?.uploaded).toBe(3);
    expect(second[1]?.uplinkBytes).toBe(((first[1]?.uplinkBytes ?? 0) * 3) / 4);
  }, 120_000);
});
