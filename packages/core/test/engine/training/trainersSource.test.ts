import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../../src/builtins/corePlugin.js';
import { runExperiment } from '../../../src/engine/runExperiment.js';
import { inThreadTrainers } from '../../../src/engine/training/inThreadTrainers.js';
import type { RunTrainersInput, RunTrainersSource } from '../../../src/engine/training/runTrainers.js';
import { parseExperiment } from '../../../src/experiment/index.js';

const experiment = parseExperiment({
  name: 'trainers-source',
  seed: 9,
  data: { numClients: 4, trainLimit: 300, testLimit: 200 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 2, localEpochs: 1, batchSize: 32 },
  compare: [{ label: 'head only', adapter: { name: 'head' } }],
});

const ledger = (dir: string) =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), wallMs: 0 }));

describe('runExperiment with a trainers source', () => {
  it("trains every run's slots with the source's trainers, given each run's experiment, and writes the same ledgers", async () => {
    const root = mkdtempSync(join(tmpdir(), 'fedtune-trainers-source-'));
    const seen: RunTrainersInput[] = [];
    let trainings = 0;
    const source: RunTrainersSource = (input) => {
      seen.push(input);
      const inner = inThreadTrainers(input);
      return {
        async trainerFor(settings, instance) {
          const trainer = await inner.trainerFor(settings, instance);
          return {
            train: (start, data, random) => {
              trainings += 1;
              return trainer.train(start, data, random);
            },
            close: () => trainer.close(),
          };
        },
        close: () => inner.close(),
      };
    };
    const run = (outDir: string, trainers?: RunTrainersSource) =>
      runExperiment(experiment, { outDir, experimentDir: root, container: createFedtuneContainer(), ...(trainers ? { trainers } : {}) });
    await run(join(root, 'default'));
    await run(join(root, 'source'), source);

    expect(seen.map((input) => input.experiment.adapter.name)).toEqual(['lora', 'head']);
    expect(seen.every((input) => input.experiment.compare.length === 0 && input.resolveFrom === root)).toBe(true);
    // Every client takes part in both rounds of both runs.
    expect(trainings).toBe(2 * 2 * 4);
    expect(ledger(join(root, 'source'))).toEqual(ledger(join(root, 'default')));
    expect(ledger(join(root, 'source', 'compare', 'head-only'))).toEqual(ledger(join(root, 'default', 'compare', 'head-only')));
  }, 120_000);
});
