import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { registerNamed } from '../../src/plugins/registry.js';
import { COMPRESSOR } from '../../src/contracts/tokens.js';
import { encodeFloat32Payload, decodeFloat32Payload } from '../../src/wire/float32Payload.js';
import type { LedgerRow } from '../../src/engine/ledger.js';

/** A small but real federation: the embedded Fashion-MNIST subset and the shipped frozen base. */
const small = {
  name: 'engine-test',
  seed: 5,
  data: { numClients: 6, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 600, testLimit: 500 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 3, localEpochs: 1, batchSize: 32, learningRate: 0.005 },
  selector: { name: 'uniform', options: { fraction: 0.5 } },
  compressor: { name: 'qsgd', options: { levels: 8 } },
  channel: { name: 'bernoulli', options: { successRate: 0.7 } },
};

const readLedger = (dir: string): LedgerRow[] =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerRow);

const withoutWallTime = (rows: LedgerRow[]) => rows.map(({ wallMs: _wallMs, ...rest }) => rest);

describe('runExperiment on real data', () => {
  let first: string;
  let second: string;

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'fedtune-engine-'));
    first = join(root, 'a');
    second = join(root, 'b');
    for (const outDir of [first, second]) {
      await runExperiment(parseExperiment(small), { outDir, experimentDir: root, container: createFedtuneContainer() });
    }
  }, 120_000);

  it('writes the resolved experiment, one ledger row per round, a summary and a PEFT adapter', () => {
    expect(readdirSync(first).sort()).toEqual(['adapter', 'experiment.json', 'ledger.jsonl', 'summary.json']);
    expect(readdirSync(join(first, 'adapter')).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'base']);
    const resolved = JSON.parse(readFileSync(join(first, 'experiment.json'), 'utf8'));
    expect(resolved).toMatchObject({ seed: 5, training: { rounds: 3, optimizer: 'adam' }, data: { origin: 'fashion-mnist embedded' } });
    const rows = readLedger(first);
    expect(rows.map((r) => r.round)).toEqual([0, 1, 2]);
    for (const row of rows) {
      expect(row.participants).toBe(3);
      expect(row.uploaded + row.skipped + row.rejected).toBe(row.participants);
      expect(row.testAccuracy).toBeGreaterThan(0);
    }
    const summary = JSON.parse(readFileSync(join(first, 'summary.json'), 'utf8'));
    expect(summary.totalUplinkBytes).toBe(rows.reduce((n, r) => n + r.uplinkBytes, 0));
    expect(summary.finalAccuracy).toBe(rows.at(-1)?.testAccuracy);
  });

  it('counts uplink bytes from the serialised qsgd payloads and downlink from the fp32 global', () => {
    const summary = JSON.parse(readFileSync(join(first, 'summary.json'), 'utf8'));
    const d = summary.trainableParameters as number;
    // qsgd with 8 levels: 15-byte header + ceil(d·5/8) bytes of codes per upload.
    const perUpload = 15 + Math.ceil((d * 5) / 8);
    for (const row of readLedger(first)) {
      expect(row.uplinkBytes).toBe(row.uploaded * perUpload);
      expect(row.downlinkBytes).toBe(row.participants * (9 + 4 * d));
    }
  });

  it('gives identical ledgers for the same experiment and seed', () => {
    expect(withoutWallTime(readLedger(second))).toEqual(withoutWallTime(readLedger(first)));
  });

  it('loses uploads on a lossy channel and still finishes', () => {
    const lost = readLedger(first).reduce((n, r) => n + r.lost, 0);
    const uploaded = readLedger(first).reduce((n, r) => n + r.uploaded, 0);
    expect(uploaded).toBe(9);
    expect(lost).toBeGreaterThan(0);
  });
});

describe('a client that sends NaN', () => {
  it('is rejected and counted, and the global model stays finite', async () => {
    const container = createFedtuneContainer();
    // A compressor whose wire format is honest fp32 but whose client 1 always sends NaN.
    registerNamed(container, COMPRESSOR, {
      name: 'poisoned',
      plugin: 'engine-test',
      create: () => ({
        name: 'poisoned',
        encode: (update, { clientId }) => encodeFloat32Payload(clientId === 1 ? update.map(() => NaN) : update),
        decode: (payload, length) => decodeFloat32Payload(payload, length),
      }),
    });
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-nan-'));
    const [summary] = await runExperiment(
      parseExperiment({ ...small, selector: 'all', channel: 'reliable', compressor: 'poisoned', training: { ...small.training, rounds: 2 } }),
      { outDir, experimentDir: outDir, container },
    );
    const rows = readLedger(outDir);
    expect(rows.map((r) => r.rejected)).toEqual([1, 1]);
    expect(rows.map((r) => r.uploaded)).toEqual([6, 6]);
    expect(Number.isFinite(summary?.finalAccuracy)).toBe(true);
    expect(existsSync(join(outDir, 'summary.json'))).toBe(true);
  }, 60_000);
});

describe('adapter metrics', () => {
  it('are computed from the global parameters on evaluated rounds and written to the ledger', async () => {
    const container = createFedtuneContainer();
    const { loraAdapterFactory } = await import('../../src/model/index.js');
    const { ADAPTER } = await import('../../src/contracts/tokens.js');
    registerNamed(container, ADAPTER, {
      name: 'lora-with-norm',
      plugin: 'engine-test',
      create: (options, context) => {
        const lora = loraAdapterFactory.create(options, context);
        return {
          name: 'lora-with-norm',
          create: (modules, adapterOptions) =>
            Object.assign(lora.create(modules, adapterOptions), {
              metrics: (params: Float32Array) => ({ l2: Math.hypot(...params), size: params.length }),
            }),
        };
      },
    });
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-metrics-'));
    await runExperiment(
      parseExperiment({
        ...small,
        adapter: { ...small.adapter, name: 'lora-with-norm' },
        evaluation: { every: 2 },
        training: { ...small.training, rounds: 3 },
      }),
      { outDir, experimentDir: outDir, container },
    );
    const rows = readLedger(outDir);
    // Rounds 1 (every 2nd) and 2 (the last) are evaluated; round 0 is not.
    expect(rows.map((r) => r.testAccuracy === null)).toEqual([true, false, false]);
    expect(rows[0]?.metrics).toBeUndefined();
    expect(rows[1]?.metrics?.l2).toBeGreaterThan(0);
    // r = 2: fc1 2·784 + 256·2, fc2 2·256 + 128·2, head 10·128 + 10.
    expect(rows[2]?.metrics?.size).toBe(2080 + 768 + 1290);
    expect(rows[2]?.metrics?.l2).not.toBe(rows[1]?.metrics?.l2);
  }, 60_000);
});

describe('a calibration round forced by the aggregator', () => {
  it('takes every client, ignores the skip rule and the channel, then rounds go back to normal', async () => {
    const container = createFedtuneContainer();
    const { FedAvgAggregator } = await import('../../src/builtins/index.js');
    const { AGGREGATOR } = await import('../../src/contracts/tokens.js');
    registerNamed(container, AGGREGATOR, {
      name: 'fedavg-calibrated',
      plugin: 'engine-test',
      create: () => Object.assign(new FedAvgAggregator('samples'), { forcesFullRound: (round: number) => round === 0 }),
    });
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-forced-'));
    await runExperiment(
      parseExperiment({
        ...small,
        aggregator: 'fedavg-calibrated',
        channel: { name: 'bernoulli', options: { successRate: 0 } },
      }),
      { outDir, experimentDir: outDir, container },
    );
    const rows = readLedger(outDir);
    expect(rows.map((r) => [r.participants, r.uploaded, r.lost])).toEqual([
      [6, 6, 0],
      [3, 3, 3],
      [3, 3, 3],
    ]);
  }, 60_000);
});

describe('multi-task federations', () => {
  const multiTask = {
    ...small,
    data: {
      numClients: 6,
      partition: { kind: 'iid' },
      trainLimit: 600,
      testLimit: 300,
      tasks: [
        { name: 'classes' },
        { name: 'rotated', rotate: 90 },
        { name: 'grouped', relabel: [0, 0, 0, 0, 0, 1, 0, 1, 2, 1] },
      ],
      tasksPerClient: { min: 1, max: 3 },
    },
    selector: 'all',
    channel: 'reliable',
    compressor: 'none',
    training: { ...small.training, rounds: 2 },
  };

  it('trains one slot per task a client holds and reports accuracy per task', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-tasks-'));
    await runExperiment(parseExperiment(multiTask), { outDir, experimentDir: outDir, container: createFedtuneContainer() });
    const rows = readLedger(outDir);
    const slots = rows[0]?.uploaded as number;
    expect(slots).toBeGreaterThanOrEqual(6);
    expect(slots).toBeLessThanOrEqual(18);
    for (const row of rows) {
      expect(row.participants).toBe(6);
      expect(row.uploaded).toBe(slots);
      expect(row.taskAccuracy).toHaveLength(3);
      const mean = (row.taskAccuracy as number[]).reduce((a, b) => a + b, 0) / 3;
      expect(row.testAccuracy).toBeCloseTo(mean, 12);
      // FedAvg sends every slot the same global: one cluster for three tasks, and every client of a
      // task holds the majority's parameters.
      expect(row.clustering?.adjustedRandIndex).toBe(0);
      expect(row.majorityAdapterTaskAccuracy).toEqual(row.taskAccuracy);
    }
  }, 60_000);

  it('lets an aggregator send each slot its own parameters, and measures the clustering', async () => {
    const container = createFedtuneContainer();
    const { AGGREGATOR } = await import('../../src/contracts/tokens.js');
    const { slotKey } = await import('../../src/contracts/aggregator.js');
    // Local-only training: every slot keeps what it trained; the server never mixes them.
    registerNamed(container, AGGREGATOR, {
      name: 'local-only',
      plugin: 'engine-test',
      create: () => ({
        name: 'local-only',
        supportsTaskSlots: true,
        aggregate: ({ global, received, backend }) => ({
          global,
          groups: received.map((r) => ({ parameters: backend.axpy(1, r.update, r.base), slots: [slotKey(r.clientId, r.slot)] })),
        }),
      }),
    });
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-slots-'));
    await runExperiment(parseExperiment({ ...multiTask, aggregator: 'local-only' }), { outDir, experimentDir: outDir, container });
    const rows = readLedger(outDir);
    // Every slot is its own cluster: no two slots of one task share parameters.
    for (const row of rows) {
      expect(row.clustering?.adjustedRandIndex).toBeLessThan(0.2);
      expect(row.clustering?.accuracy).toBeGreaterThan(0);
    }
    // The second round starts each slot from its own first-round result, so the runs differ from FedAvg's.
    expect(rows[1]?.testAccuracy).not.toBe(rows[0]?.testAccuracy);
  }, 60_000);
});

describe('heterogeneous client ranks', () => {
  const hetero = {
    ...small,
    adapter: { rank: 4, alpha: 8, clientRanks: [4, 2] },
    selector: 'all',
    channel: 'reliable',
    compressor: 'none',
    training: { ...small.training, rounds: 2 },
  };
  // LoRA on fc1 (784→256) and fc2 (256→128) plus the 10-class head (10·128 + 10).
  const adapterSize = (rank: number) => rank * (784 + 256) + rank * (256 + 128) + 1290;

  it('sends each client its own slice both ways and counts the bytes of that slice', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-hetero-'));
    await runExperiment(parseExperiment(hetero), { outDir, experimentDir: outDir, container: createFedtuneContainer() });
    // Clients 0, 2, 4 train rank 4 and clients 1, 3, 5 rank 2; fp32 payloads carry a 9-byte header.
    const perRound = 3 * (9 + 4 * adapterSize(4)) + 3 * (9 + 4 * adapterSize(2));
    for (const row of readLedger(outDir)) {
      expect(row.uploaded).toBe(6);
      expect(row.uplinkBytes).toBe(perRound);
      expect(row.downlinkBytes).toBe(perRound);
      expect(row.uplinkValues).toBe(3 * adapterSize(4) + 3 * adapterSize(2));
      expect(row.testAccuracy).toBeGreaterThan(0.2);
    }
  }, 60_000);

  it('leaves the ranks no client trains untouched', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-hetero-low-'));
    await runExperiment(parseExperiment({ ...hetero, adapter: { ...hetero.adapter, clientRanks: [2] } }), {
      outDir,
      experimentDir: outDir,
      container: createFedtuneContainer(),
    });
    const { readSafetensorsFile } = await import('../../src/model/formats/safetensors.js');
    const { tensors } = await readSafetensorsFile(join(outDir, 'adapter', 'adapter_model.safetensors'));
    const key = [...tensors.keys()].find((name) => name.endsWith('fc1.lora_B.weight')) as string;
    const b = tensors.get(key)?.data as Float32Array;
    // B is [256, 4]: columns 0–1 were trained from zero, columns 2–3 (rank 3 and 4) never were.
    const column = (k: number) => Array.from({ length: 256 }, (_, o) => b[o * 4 + k] as number);
    expect(column(0).some((v) => v !== 0)).toBe(true);
    expect(column(1).some((v) => v !== 0)).toBe(true);
    expect(column(2).every((v) => v === 0)).toBe(true);
    expect(column(3).every((v) => v === 0)).toBe(true);
  }, 60_000);

  it('refuses a client rank above adapter.rank and an aggregator that cannot average slices', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-hetero-bad-'));
    const options = { outDir, experimentDir: outDir, container: createFedtuneContainer() };
    await expect(runExperiment(parseExperiment({ ...hetero, adapter: { ...hetero.adapter, clientRanks: [8, 2] } }), options)).rejects.toThrow(
      /clientRanks holds rank 8, above adapter.rank 4/,
    );
    const { AGGREGATOR } = await import('../../src/contracts/tokens.js');
    registerNamed(options.container, AGGREGATOR, {
      name: 'plain-mean',
      plugin: 'engine-test',
      create: () => ({ name: 'plain-mean', aggregate: ({ global }) => global.slice() }),
    });
    await expect(runExperiment(parseExperiment({ ...hetero, aggregator: 'plain-mean' }), options)).rejects.toThrow(
      /aggregator plain-mean does not average updates over the coordinates/,
    );
    expect(existsSync(join(outDir, 'ledger.jsonl'))).toBe(false);
  }, 60_000);
});

describe('training in worker threads', () => {
  it('gives the same ledger and adapter as training in this thread, heterogeneous ranks included', async () => {
    const experiment = parseExperiment({
      ...small,
      adapter: { rank: 4, alpha: 8, clientRanks: [4, 2] },
      training: { ...small.training, rounds: 2 },
    });
    const root = mkdtempSync(join(tmpdir(), 'fedtune-workers-'));
    const run = async (workers: number) => {
      const outDir = join(root, `workers-${workers}`);
      await runExperiment(experiment, { outDir, experimentDir: root, container: createFedtuneContainer(), workers });
      return outDir;
    };
    const inThread = await run(1);
    const pooled = await run(2);
    expect(withoutWallTime(readLedger(pooled))).toEqual(withoutWallTime(readLedger(inThread)));
    const adapter = (dir: string) => readFileSync(join(dir, 'adapter', 'adapter_model.safetensors'));
    expect(adapter(pooled).equals(adapter(inThread))).toBe(true);
  }, 120_000);
});
