import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { FedAvgAggregator } from '../../src/builtins/index.js';
import { AGGREGATOR, COMPRESSOR } from '../../src/contracts/tokens.js';
import type { LedgerRow } from '../../src/engine/ledger.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { CheckpointError, isFedtuneError, PayloadError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { loadBaseModel } from '../../src/model/formats/baseModelFile.js';
import { embeddedBasePath } from '../../src/model/formats/embeddedBase.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/model/formats/safetensors.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { registerNamed } from '../../src/plugins/registry.js';
import { decodeFloat32Payload, encodeFloat32Payload } from '../../src/wire/float32Payload.js';

const PLUGIN = '@example/faulty-plugin';
const FAULTY_CLIENT = 2;

const federation = {
  name: 'plugin-failures',
  seed: 5,
  data: { numClients: 4, partition: { kind: 'iid' }, trainLimit: 400, testLimit: 200 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 3, localEpochs: 1, batchSize: 32, learningRate: 0.005 },
};

/** What the faulty components do wrong, and to whom. */
interface Faults {
  encodeThrowsFor?: (clientId: number) => boolean;
  decodeThrows?: 'TypeError' | 'PayloadError';
  aggregateThrows?: boolean;
  /** What the encoder returns instead of bytes, for every client. */
  encodeReturnsString?: boolean;
  /** Memory the compressor finds it cannot use, for one client: what a damaged checkpoint gives it. */
  encodeFindsDamagedMemoryFor?: (clientId: number) => boolean;
  /** What the aggregator returns instead of a model of the run's length. */
  aggregateReturns?: 'NaN' | 'one value short' | 'a plain list';
}

async function run(faults: Faults, overrides: Record<string, unknown> = {}) {
  const container = createFedtuneContainer();
  registerNamed(container, COMPRESSOR, {
    name: 'faulty-fp32',
    plugin: PLUGIN,
    create: () => ({
      name: 'faulty-fp32',
      encode: (update, { clientId }) => {
        if (faults.encodeThrowsFor?.(clientId)) throw new TypeError("Cannot read properties of undefined (reading 'scale')");
        if (faults.encodeFindsDamagedMemoryFor?.(clientId)) throw new CheckpointError('memory "residual" holds 3 values, not 7');
        if (faults.encodeReturnsString) return 'not bytes' as unknown as Uint8Array;
        return encodeFloat32Payload(update);
      },
      decode: (payload, length) => {
        if (faults.decodeThrows === 'TypeError') throw new TypeError('payload.header is undefined');
        if (faults.decodeThrows === 'PayloadError') throw new PayloadError('the header says 3 values, the model has 7');
        return decodeFloat32Payload(payload, length);
      },
    }),
  });
  registerNamed(container, AGGREGATOR, {
    name: 'faulty-fedavg',
    plugin: PLUGIN,
    create: () => {
      const fedavg = new FedAvgAggregator('samples');
      return {
        name: 'faulty-fedavg',
        aggregate: (context) => {
          if (faults.aggregateThrows) throw new RangeError('Invalid typed array length: -1');
          const { length } = context.global;
          if (faults.aggregateReturns === 'NaN') return new Float32Array(length).fill(Number.NaN);
          if (faults.aggregateReturns === 'one value short') return new Float32Array(length - 1);
          if (faults.aggregateReturns === 'a plain list') return Array.from(context.global) as unknown as Float32Array;
          return fedavg.aggregate(context);
        },
      };
    },
  });
  const outDir = mkdtempSync(join(tmpdir(), 'fedtune-plugin-failures-'));
  const log: string[] = [];
  const experiment = parseExperiment({ ...federation, compressor: 'faulty-fp32', aggregator: 'faulty-fedavg', ...overrides });
  const outcome = await runExperiment(experiment, { outDir, experimentDir: outDir, container, log: (line) => log.push(line) }).then(
    () => undefined,
    (error: unknown) => error,
  );
  const ledger = readFileSync(join(outDir, 'ledger.jsonl'), 'utf8');
  const rows = ledger === '' ? [] : ledger.trim().split('\n').map((line) => JSON.parse(line) as LedgerRow);
  return { error: outcome, rows, log };
}

beforeAll(async () => {
  await useTfBackend('cpu');
});

describe('a client-side component that throws', () => {
  it("rejects that client's slot, names the compressor and its plugin, and the run goes on", async () => {
    const { error, rows, log } = await run({ encodeThrowsFor: (clientId) => clientId === FAULTY_CLIENT });
    expect(error).toBeUndefined();
    expect(rows.map((row) => [row.uploaded, row.rejected])).toEqual([
      [3, 1],
      [3, 1],
      [3, 1],
    ]);
    const lines = log.filter((line) => line.includes(`client ${FAULTY_CLIENT} slot 0 rejected`));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      `round 0: client ${FAULTY_CLIENT} slot 0 rejected: compressor "faulty-fp32" from ${PLUGIN} failed while encoding an upload: ` +
        "TypeError: Cannot read properties of undefined (reading 'scale')",
    );
  });

  it('stops the run with the reason once every participant is rejected two rounds in a row', async () => {
    const { error, rows } = await run({ encodeThrowsFor: () => true });
    expect(isFedtuneError(error, 'ConfigError')).toBe(true);
    expect((error as Error).message).toMatch(
      /^every participant was rejected in rounds 1–2, so the model never changed; the run stops\. The last round's first rejection: client 0 slot 0 rejected: compressor "faulty-fp32" from @example\/faulty-plugin failed while encoding/,
    );
    // The first round is in the ledger; the second, which stopped the run, is not.
    expect(rows).toHaveLength(1);
    expect(rows[0]?.rejected).toBe(4);
  });
});

describe('a compressor whose encoder returns no bytes', () => {
  it('has the upload rejected, naming the compressor, its plugin and what it returned', async () => {
    const { error, log } = await run({ encodeReturnsString: true });
    // Every client is rejected, so the run stops on the rejection streak, quoting the first reason.
    expect(isFedtuneError(error, 'ConfigError')).toBe(true);
    expect(log[0]).toBe(
      `round 0: client 0 slot 0 rejected: compressor "faulty-fp32" from ${PLUGIN} encoded an upload as a string, ` +
        'not the Uint8Array of bytes the Compressor contract requires',
    );
  });
});

describe('a client-side component that finds its memory damaged', () => {
  it('stops the run with a CheckpointError naming the component, rather than rejecting that client every round', async () => {
    const { error, rows } = await run({ encodeFindsDamagedMemoryFor: (clientId) => clientId === FAULTY_CLIENT });
    expect(isFedtuneError(error, 'CheckpointError')).toBe(true);
    expect((error as Error).message).toBe(
      `compressor "faulty-fp32" from ${PLUGIN} while encoding an upload: memory "residual" holds 3 values, not 7`,
    );
    expect(rows).toHaveLength(0);
  });
});

describe('an aggregator that returns what its contract rules out', () => {
  it.each([
    ['NaN', 'the global model holds NaN at index 0'],
    ['one value short', /the global model has (\d+) values, the model has (\d+)/],
    ['a plain list', 'returned neither a Float32Array nor { global, groups }; see the SlotAggregation contract'],
  ] as const)('stops the run with a PluginError naming the aggregator and its plugin (%s)', async (returns, problem) => {
    const { error, rows } = await run({ aggregateReturns: returns });
    expect(isFedtuneError(error, 'PluginError')).toBe(true);
    const message = (error as Error).message;
    expect(message.startsWith(`aggregator "faulty-fedavg" from ${PLUGIN}`)).toBe(true);
    expect(message).toMatch(problem);
    expect(message).toMatch(new RegExp(`This is a bug in the aggregator, not in the run's data; report it to the authors of ${PLUGIN}`));
    expect(rows).toHaveLength(0);
  });
});

describe('a server-side component that throws', () => {
  it('a decoder that throws a PayloadError rejects the upload (hostile input, not a bug)', async () => {
    const { error, log } = await run({ decodeThrows: 'PayloadError' });
    expect(isFedtuneError(error, 'ConfigError')).toBe(true);
    expect(log[0]).toBe('round 0: update of client 0 slot 0 rejected: the header says 3 values, the model has 7');
  });

  it('a decoder that throws anything else stops the run naming the plugin as the one to report to', async () => {
    const { error, rows } = await run({ decodeThrows: 'TypeError' });
    expect(isFedtuneError(error, 'PluginError')).toBe(true);
    expect((error as Error).message).toBe(
      `compressor "faulty-fp32" from ${PLUGIN} failed while decoding client 0's upload (slot 0) in round 0: ` +
        'TypeError: payload.header is undefined. This is a bug in the compressor, not in the run\'s data; ' +
        `report it to the authors of ${PLUGIN} with this message.`,
    );
    expect(rows).toHaveLength(0);
  });

  it('an aggregator that throws stops the run naming the plugin', async () => {
    const { error } = await run({ aggregateThrows: true });
    expect(isFedtuneError(error, 'PluginError')).toBe(true);
    expect((error as Error).message).toMatch(
      /^aggregator "faulty-fedavg" from @example\/faulty-plugin failed while aggregating round 0: RangeError: Invalid typed array length: -1\. This is a bug/,
    );
  });
});

describe('the ledger\'s train loss', () => {
  it('is null when no client trained to a finite loss, not 0 as if training were perfect', async () => {
    const diverged = await run({}, { training: { ...federation.training, optimizer: 'sgd', learningRate: 10 } });
    expect(isFedtuneError(diverged.error, 'ConfigError')).toBe(true);
    expect(diverged.rows[0]?.rejected).toBe(4);
    expect(diverged.rows[0]?.trainLoss).toBeNull();
    expect((diverged.error as Error).message).toMatch(/Lower training\.learningRate/);
  });
});

describe('a base model holding NaN', () => {
  it('is refused at load, naming the tensor, instead of rejecting every client', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedtune-nan-base-'));
    const content = decodeSafetensors(readFileSync(embeddedBasePath()));
    const [key, tensor] = [...content.tensors].find(([name]) => name.endsWith('.weight')) as [string, { data: Float32Array }];
    tensor.data[17] = Number.NaN;
    const damaged = join(dir, 'base.safetensors');
    writeFileSync(damaged, encodeSafetensors(content.tensors, content.metadata));
    const error = await loadBaseModel(damaged).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isFedtuneError(error, 'CheckpointError')).toBe(true);
    expect((error as Error).message).toBe(
      `${damaged}: tensor "${key}" holds NaN at index 17; a base model's weights must be finite. ` +
        'The file is damaged or its pre-training diverged: pre-train it again (fedtune pretrain) or use another base.',
    );
    // The file it was damaged from loads.
    const healthy = join(dir, 'healthy.safetensors');
    copyFileSync(embeddedBasePath(), healthy);
    (await loadBaseModel(healthy)).dispose();
  });
});
