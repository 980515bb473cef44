import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { FeatureSet } from '../../src/data/types.js';
import { RandomStream, RandomStreams } from '../../src/random/counterRandom.js';
import { createMlp, initialMlpWeights, type MlpConfig } from '../../src/model/architectures/mlp.js';
import type { BaseModel } from '../../src/model/architectures/baseModel.js';

/**
 * A linearly separable set: class c's examples are a fixed random prototype plus small noise, so a
 * small model reaches near-perfect accuracy in a few epochs.
 */
export function separableFeatures(count: number, featureSize: number, numClasses: number, seed = 1): FeatureSet {
  const stream = new RandomStream({ seed, round: 0, client: 0, stream: RandomStreams.subset });
  const prototypes = Array.from({ length: numClasses }, () =>
    Float32Array.from({ length: featureSize }, () => 2 * stream.uniform() - 1)
  );
  const features = new Float32Array(count * featureSize);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % numClasses;
    labels[i] = label;
    const prototype = prototypes[label] as Float32Array;
    for (let j = 0; j < featureSize; j++) {
      features[i * featureSize + j] = (prototype[j] as number) + 0.3 * (2 * stream.uniform() - 1);
    }
  }
  return { count, featureSize, numClasses, features, labels };
}

/** An MLP with PyTorch-default random weights. */
export function randomMlp(config: MlpConfig, seed = 7): BaseModel {
  return createMlp(
    config,
    initialMlpWeights(config, { seed, round: 0, client: 0, stream: RandomStreams.initialisation })
  );
}

/** 0, 1, …, n − 1. */
export function range(n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => i);
}

/** A fresh temporary folder, removed after the current test. */
export async function temporaryFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'fedtune-model-'));
  onTestFinished(() => rm(folder, { recursive: true, force: true }));
  return folder;
}
