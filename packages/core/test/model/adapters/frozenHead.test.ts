import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdapterOptions } from '../../../src/contracts/adapter.js';
import { ConfigError } from '../../../src/errors.js';
import { loraAdapter } from '../../../src/model/adapters/lora.js';
import { useTfBackend } from '../../../src/model/training/tfBackend.js';
import { RandomStreams } from '../../../src/random/counterRandom.js';
import { randomMlp } from '../fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const settings = (overrides: Partial<AdapterOptions>): AdapterOptions => ({
  rank: 2,
  alpha: 4,
  numClasses: 3,
  random: { seed: 3, round: 0, client: 0, stream: RandomStreams.initialisation },
  ...overrides,
});

describe('LoRA with frozenHead (a causal LM whose head gives the task outputs)', () => {
  it('leaves the head out of the layout, the initial values and the PEFT modules_to_save, and computes it frozen', () => {
    const base = randomMlp({ inputSize: 6, hidden: [5, 4], numClasses: 3 });
    try {
      const trained = loraAdapter.create(base.modules, settings({}));
      const frozen = loraAdapter.create(base.modules, settings({ frozenHead: true }));
      const head = base.modules.find((module) => module.isHead)!;
      expect(trained.layout.map((spec) => spec.name)).toContain(`${head.name}.weight`);
      expect(frozen.layout.map((spec) => spec.name).filter((name) => name.startsWith(`${head.name}.`))).toEqual([]);
      // The layouts differ by the head alone, and the LoRA factors start alike.
      const headSize = 3 * head.inFeatures + 3;
      const trainedInitial = trained.initialParameters(base.frozen);
      expect(frozen.initialParameters(base.frozen)).toEqual(trainedInitial.subarray(0, trainedInitial.length - headSize));
      expect(frozen.peftLora?.modulesToSave).toEqual([]);
      expect(trained.peftLora?.modulesToSave).toEqual([head.name]);
      const output = tf.tidy(() => frozen.linear(head, tf.ones([1, head.inFeatures]), base.frozen.get(head.name)!, new Map()));
      expect(output).toBeUndefined();
    } finally {
      base.dispose();
    }
  });

  it('refuses to keep frozen a head whose outputs are not the task classes', () => {
    const base = randomMlp({ inputSize: 6, hidden: [5, 4], numClasses: 3 });
    try {
      expect(() => loraAdapter.create(base.modules, settings({ numClasses: 2, frozenHead: true }))).toThrow(ConfigError);
      expect(() => loraAdapter.create(base.modules, settings({ numClasses: 2, frozenHead: true }))).toThrow(
        /gives 3 outputs but the task has 2 classes, so it cannot stay frozen/,
      );
    } finally {
      base.dispose();
    }
  });
});
