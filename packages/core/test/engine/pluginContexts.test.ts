import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs-core';
import type { AdapterInstance, ParameterSpec, StepContext } from '../../src/contracts/adapter.js';
import { ADAPTER, COMPRESSOR } from '../../src/contracts/tokens.js';
import { decodeFloat32Payload, encodeFloat32Payload } from '../../src/wire/float32Payload.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { loraAdapterFactory } from '../../src/model/index.js';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { registerNamed } from '../../src/plugins/registry.js';

describe('what the engine hands plugins', () => {
  it('gives compressors the adapter layout and gradient transforms the parameters training started from', async () => {
    const container = createFedtuneContainer();
    const layouts: Array<{ side: string; layout: readonly ParameterSpec[] | undefined }> = [];
    registerNamed(container, COMPRESSOR, {
      name: 'layout-recorder',
      plugin: 'engine-test',
      create: () => ({
        name: 'layout-recorder',
        encode: (update, { layout }) => {
          layouts.push({ side: 'encode', layout });
          return encodeFloat32Payload(update);
        },
        decode: (payload, length, { layout }) => {
          layouts.push({ side: 'decode', layout });
          return decodeFloat32Payload(payload, length);
        },
      }),
    });
    let adapterLayout: readonly ParameterSpec[] = [];
    let initial: Float32Array = new Float32Array();
    // Per round, the starting vectors the transform saw (one per step of every client).
    const starts = new Map<number, Float32Array[]>();
    registerNamed(container, ADAPTER, {
      name: 'lora-start-recorder',
      plugin: 'engine-test',
      create: (options, context) => {
        const lora = loraAdapterFactory.create(options, context);
        return {
          name: 'lora-start-recorder',
          create: (modules, adapterOptions): AdapterInstance => {
            const instance = lora.create(modules, adapterOptions);
            adapterLayout = instance.layout;
            return {
              layout: instance.layout,
              linear: instance.linear.bind(instance),
              initialParameters: (base) => (initial = instance.initialParameters(base)),
              transformGradients: (grads: ReadonlyMap<string, tf.Tensor>, step: StepContext) => {
                const seen = starts.get(step.random.round) ?? [];
                seen.push(step.startParameters ?? new Float32Array());
                starts.set(step.random.round, seen);
                return new Map(grads);
              },
            };
          },
        };
      },
    });
    const outDir = mkdtempSync(join(tmpdir(), 'fedtune-contexts-'));
    await runExperiment(
      parseExperiment({
        name: 'contexts',
        seed: 2,
        data: { numClients: 3, trainLimit: 300, testLimit: 100 },
        adapter: { name: 'lora-start-recorder', rank: 2, alpha: 4 },
        training: { rounds: 2, batchSize: 64 },
        compressor: 'layout-recorder',
      }),
      { outDir, experimentDir: outDir, container },
    );
    // Three clients, two rounds, both sides of the wire.
    expect(layouts).toHaveLength(12);
    for (const { layout } of layouts) expect(layout).toEqual(adapterLayout);
    expect(adapterLayout.map((spec) => spec.name)).toContain('fc1.lora_A.weight');
    // Every step of every client starts from the round's global model: round 0 from the initial one.
    const round0 = starts.get(0) ?? [];
    const round1 = starts.get(1) ?? [];
    expect(round0.length).toBeGreaterThan(3);
    for (const start of round0) expect(start).toEqual(initial);
    expect(round1.length).toBeGreaterThan(3);
    for (const start of round1) expect(start).toEqual(round1[0]);
    expect(round1[0]).not.toEqual(initial);
  }, 60_000);
});
