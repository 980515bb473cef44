import { describe, expect, it } from 'vitest';
import { COMPRESSOR } from '../../src/contracts/tokens.js';
import type { FedtunePlugin } from '../../src/contracts/plugin.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { registerNamed } from '../../src/plugins/registry.js';
import { runStoppedAndResumed } from '../../src/testing/resumeCheck.js';
import { decodeFloat32Payload, encodeFloat32Payload } from '../../src/wire/float32Payload.js';

/**
 * A compressor that damps each client's update by how many uploads that client made before; kept
 * either in client memory, as the contract asks, or in an instance field, which a checkpoint
 * cannot see.
 */
function dampingPlugin(keepInMemory: boolean): FedtunePlugin {
  return {
    name: 'resume-check-test',
    version: '0.0.0',
    register(container) {
      registerNamed(container, COMPRESSOR, {
        name: 'damping',
        plugin: 'resume-check-test',
        create: () => {
          const counts = new Map<number, number>();
          return {
            name: 'damping',
            encode: (update, { memory, clientId }) => {
              const stored = memory.get('uploads');
              const before = keepInMemory ? (typeof stored === 'number' ? stored : 0) : (counts.get(clientId) ?? 0);
              if (keepInMemory) memory.set('uploads', before + 1);
              else counts.set(clientId, before + 1);
              return encodeFloat32Payload(update.map((v) => v / (1 + before)));
            },
            decode: (payload, length) => decodeFloat32Payload(payload, length),
          };
        },
      });
    },
  };
}

const experiment = parseExperiment({
  name: 'resume-check',
  seed: 2,
  data: { numClients: 4, partition: { kind: 'iid' }, trainLimit: 400, testLimit: 100 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 4, localSteps: 3, batchSize: 32, learningRate: 0.005 },
  compressor: 'damping',
});

describe('runStoppedAndResumed', () => {
  it('finds the runs equal when every piece of state lives in client or server memory', async () => {
    const { whole, resumed } = await runStoppedAndResumed({ experiment, plugins: [dampingPlugin(true)], checkpointEvery: 2, stopInRound: 2 });
    expect(whole).toHaveLength(1);
    expect(whole[0]?.ledger).toHaveLength(4);
    expect(whole[0]?.adapter?.byteLength).toBeGreaterThan(0);
    expect(resumed).toEqual(whole);
  }, 120_000);

  it('tells them apart when a component keeps state the checkpoint cannot see', async () => {
    const { whole, resumed } = await runStoppedAndResumed({ experiment, plugins: [dampingPlugin(false)], checkpointEvery: 2, stopInRound: 2 });
    expect(resumed[0]?.ledger.slice(0, 2)).toEqual(whole[0]?.ledger.slice(0, 2));
    expect(resumed[0]?.ledger[3]?.testAccuracy).not.toBe(whole[0]?.ledger[3]?.testAccuracy);
  }, 120_000);

  it('refuses a stop that would leave nothing to resume', async () => {
    await expect(runStoppedAndResumed({ experiment, plugins: [], checkpointEvery: 2, stopInRound: 1 })).rejects.toThrow(RangeError);
  });
});
