import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParameterSpec } from '../../src/contracts/adapter.js';
import { AGGREGATOR } from '../../src/contracts/tokens.js';
import { FedAvgAggregator } from '../../src/builtins/index.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { registerNamed } from '../../src/plugins/registry.js';

describe('the aggregation context', () => {
  it('carries the adapter layout, whose sizes add up to the length of every vector', async () => {
    const container = createFedtuneContainer();
    const seen: Array<{ layout: readonly ParameterSpec[] | undefined; length: number }> = [];
    const fedAvg = new FedAvgAggregator('samples');
    registerNamed(container, AGGREGATOR, {
      name: 'layout-recorder',
      plugin: 'engine-test',
      create: () => ({
        name: 'layout-recorder',
        aggregate: (context) => {
          seen.push({ layout: context.layout, length: context.global.length });
          return fedAvg.aggregate(context);
        },
      }),
    });
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-aggregation-context-'));
    await runExperiment(
      parseExperiment({
        name: 'aggregation-context',
        seed: 3,
        data: { numClients: 2, trainLimit: 200, testLimit: 100 },
        adapter: { rank: 2, alpha: 4 },
        training: { rounds: 2, batchSize: 64 },
        aggregator: 'layout-recorder',
      }),
      { outDir, experimentDir: outDir, container },
    );
    expect(seen).toHaveLength(2);
    for (const { layout, length } of seen) {
      // r = 2 on fc1 (784 → 256) and fc2 (256 → 128), and the 10-class head.
      expect(layout?.map((spec) => spec.name)).toEqual([
        'fc1.lora_A.weight',
        'fc1.lora_B.weight',
        'fc2.lora_A.weight',
        'fc2.lora_B.weight',
        'head.weight',
        'head.bias',
      ]);
      const size = (layout ?? []).reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0);
      expect(size).toBe(2 * 784 + 256 * 2 + 2 * 256 + 128 * 2 + 10 * 128 + 10);
      expect(size).toBe(length);
    }
  }, 60_000);
});
