import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/contracts/adapter.js';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { ConfigError } from '../../src/errors.js';
import { createRunAdapter } from '../../src/engine/runAdapter.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { expandRuns } from '../../src/engine/runSpecs.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { experimentSchema } from '../../src/experiment/schema.js';
import { createLoraAdapter, loraAdapter } from '../../src/model/adapters/lora.js';
import { mlpModules } from '../../src/model/architectures/mlp.js';

describe('adapter options of compare entries', () => {
  const experiment = experimentSchema.parse({
    data: { numClients: 4 },
    training: { rounds: 2 },
    adapter: { name: 'lora', options: { useRsLora: true } },
    compare: [
      { label: 'head only', adapter: { name: 'head' } },
      { label: 'rank 8', adapter: { rank: 8 } },
      { label: 'metrics', adapter: { name: 'lora-metrics', options: { useRsLora: false } } },
    ],
  });

  it('are inherited while the adapter stays, and start from the defaults of another adapter', () => {
    const adapters = expandRuns(experiment).map((run) => run.experiment.adapter);
    expect(adapters.map((adapter) => [adapter.name, adapter.options])).toEqual([
      ['lora', { useRsLora: true }],
      ['head', {}],
      ['lora', { useRsLora: true }],
      ['lora-metrics', { useRsLora: false }],
    ]);
    expect(adapters[2]?.rank).toBe(8);
  });
});

describe('createRunAdapter', () => {
  const base = { modules: mlpModules({ inputSize: 6, hidden: [5], numClasses: 3 }) } as never;
  const pool = { numClasses: 3 } as never;
  const experimentWith = (adapter: object) => experimentSchema.parse({ data: { numClients: 2 }, training: { rounds: 1 }, adapter });

  it('creates a slice per lower client rank with the settings the full instance gives', () => {
    const run = createRunAdapter(createLoraAdapter({ useRsLora: false }), experimentWith({ rank: 4, alpha: 8, clientRanks: [4, 2, 2] }), {
      base,
      pool,
    });
    expect(run.settings).toMatchObject({ rank: 4, alpha: 8, numClasses: 3 });
    expect([...run.slices.keys()]).toEqual([2]);
    expect(run.slices.get(2)?.settings).toMatchObject({ rank: 2, alpha: 4 });
    expect(run.slices.get(2)?.instance.layout[0]).toEqual({ name: 'fc1.lora_A.weight', shape: [2, 6] });
  });

  it('refuses a client rank above the rank, and an adapter without rank slices', () => {
    expect(() => createRunAdapter(loraAdapter, experimentWith({ rank: 4, clientRanks: [8] }), { base, pool })).toThrow(
      /clientRanks holds rank 8, above adapter.rank 4/,
    );
    const sliceless: Adapter = {
      name: 'sliceless',
      create: () => ({ layout: [], initialParameters: () => new Float32Array(0), linear: () => undefined }),
    };
    expect(() => createRunAdapter(sliceless, experimentWith({ rank: 4, clientRanks: [2] }), { base, pool })).toThrow(
      /adapter sliceless has no rank slices, which adapter.clientRanks needs/,
    );
  });

  it('checks target modules when the run is planned', () => {
    expect(() => createRunAdapter(loraAdapter, experimentWith({ targetModules: ['fc9'] }), { base, pool })).toThrow(
      /Target module "fc9" matches no module/,
    );
  });
});

describe('a misspelt adapter option', () => {
  it('in a compare entry fails before the first run trains, naming the known options', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-adapter-options-'));
    const experiment = parseExperiment({
      data: { numClients: 2, trainLimit: 100, testLimit: 100 },
      training: { rounds: 1 },
      compare: [{ label: 'rsLoRA', adapter: { options: { useRSLora: true } } }],
    });
    const run = runExperiment(experiment, { outDir, experimentDir: outDir, container: createFedtuneContainer() });
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow(/options\.useRSLora: unknown option \(did you mean "useRsLora"\?\); allowed: useRsLora/);
    expect(existsSync(join(outDir, 'ledger.jsonl'))).toBe(false);
  }, 60_000);
});
