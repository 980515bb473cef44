import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/random/counterRandom.js';
import { hostFromFrozen } from '../../src/model/architectures/baseModel.js';
import { loadBaseModel, saveBaseModel } from '../../src/model/formats/baseModelFile.js';
import { headOnlyAdapter } from '../../src/model/adapters/headOnly.js';
import { pretrainBase } from '../../src/model/training/pretrain.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { LocalTrainer } from '../../src/model/training/trainer.js';
import { range, separableFeatures, temporaryFolder } from './fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const settings = { hidden: [16, 8], numClasses: 4, epochs: 3, batchSize: 16, learningRate: 0.01, seed: 9 };

describe('pretrainBase', () => {
  it('trains every layer of an MLP that then classifies its training set', async () => {
    const data = separableFeatures(120, 10, 4);
    const base = await pretrainBase({ ...settings, epochs: 8, data, metadata: { upstreamClasses: '[0,1,2,3]' } });
    expect(base.modules.map((m) => [m.name, m.inFeatures, m.outFeatures])).toEqual([
      ['fc1', 10, 16],
      ['fc2', 16, 8],
      ['head', 8, 4],
    ]);
    expect(base.metadata).toMatchObject({
      architecture: 'mlp',
      hidden: '[16,8]',
      upstreamClasses: '[0,1,2,3]',
      pretrainSeed: '9',
      pretrainEpochs: '8',
      pretrainSamples: '120',
    });
    // The head-only adapter starts from a copy of the base head, so it evaluates the base itself.
    const random = { seed: 9, round: 0, client: 0, stream: RandomStreams.initialisation };
    const probe = headOnlyAdapter.create(base.modules, { rank: 1, alpha: 1, numClasses: 4, random });
    const trainer = new LocalTrainer(base, probe, { ...settings, optimizer: 'adam' });
    const { accuracy } = await trainer.evaluate(probe.initialParameters(base.frozen), data);
    expect(accuracy).toBeGreaterThan(0.95);
    expect(Number(base.metadata['pretrainMeanLoss'])).toBeLessThan(Math.log(4));
    trainer.dispose();
    base.dispose();
  });

  it('is deterministic for a seed, uses only the given indices, and survives a save/load', async () => {
    const data = separableFeatures(120, 10, 4);
    const first = await pretrainBase({ ...settings, data, indices: range(60) });
    const second = await pretrainBase({ ...settings, data, indices: range(60) });
    const reseeded = await pretrainBase({ ...settings, data, indices: range(60), seed: 10 });
    expect(hostFromFrozen(second)).toEqual(hostFromFrozen(first));
    expect(hostFromFrozen(reseeded)).not.toEqual(hostFromFrozen(first));
    expect(first.metadata['pretrainSamples']).toBe('60');
    const path = join(await temporaryFolder(), 'base.safetensors');
    await saveBaseModel(first, path);
    const loaded = await loadBaseModel(path);
    expect(hostFromFrozen(loaded)).toEqual(hostFromFrozen(first));
    expect(loaded.metadata).toEqual(first.metadata);
    for (const model of [first, second, reseeded, loaded]) model.dispose();
  });
});
