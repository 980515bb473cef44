import { beforeAll, describe, expect, it } from 'vitest';
import { loadFortuneCorpus } from '../../src/data/text/fortuneCorpus.js';
import { nextByteFeatureSet } from '../../src/data/text/textFeatures.js';
import { ConfigError } from '../../src/errors.js';
import { hostFromFrozen, hostTensorsFromFrozen } from '../../src/model/architectures/baseModel.js';
import { createMlp } from '../../src/model/architectures/mlp.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { nextByteLoss, pretrainTransformer, unigramNextByteLoss } from '../../src/model/training/transformerPretrain.js';
import { FIXTURE_ROOT } from '../data/text/fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const windows = nextByteFeatureSet(loadFortuneCorpus({ root: FIXTURE_ROOT, languages: ['en', 'de'] }), 16);
const settings = { data: windows, size: { dModel: 16, layers: 1, heads: 2 }, batchSize: 16, learningRate: 0.01, seed: 5 };

describe('pretrainTransformer', () => {
  it('learns next bytes at every position: its loss falls far below uniform and below the unigram', async () => {
    const losses: number[] = [];
    const model = await pretrainTransformer({
      ...settings,
      steps: 60,
      metadata: { corpusCollections: '["computers"]' },
      onStep: (_, loss) => losses.push(loss),
    });
    expect(losses).toHaveLength(60);
    // Uniform over 256 bytes is ln 256 ≈ 5.55 nats; the start is there, the end far below.
    expect(losses[0]).toBeGreaterThan(5);
    const loss = nextByteLoss(model, windows);
    expect(loss).toBeLessThan(unigramNextByteLoss(windows, windows));
    expect(Number(model.metadata['pretrainFinalLoss'])).toBeLessThan(3.5);
    expect(model.metadata).toMatchObject({
      architecture: 'transformer',
      contextLength: '16',
      dModel: '16',
      corpusCollections: '["computers"]',
      pretrainSeed: '5',
      pretrainSteps: '60',
      pretrainWindows: String(windows.count),
    });
    model.dispose();
  });

  it('is deterministic for a seed', async () => {
    const first = await pretrainTransformer({ ...settings, steps: 3 });
    const second = await pretrainTransformer({ ...settings, steps: 3 });
    const reseeded = await pretrainTransformer({ ...settings, steps: 3, seed: 6 });
    expect(hostFromFrozen(second)).toEqual(hostFromFrozen(first));
    expect(hostTensorsFromFrozen(second)).toEqual(hostTensorsFromFrozen(first));
    expect(hostTensorsFromFrozen(reseeded)).not.toEqual(hostTensorsFromFrozen(first));
    for (const model of [first, second, reseeded]) model.dispose();
  });

  it('rejects bad settings and non-transformer bases', async () => {
    await expect(pretrainTransformer({ ...settings, steps: 0 })).rejects.toThrow(/steps 0 is not a positive integer/);
    const mlp = createMlp({ inputSize: 16, hidden: [2], numClasses: 2 }, new Map([
      ['fc1', { weight: new Float32Array(32), bias: undefined }],
      ['head', { weight: new Float32Array(4), bias: undefined }],
    ]));
    expect(() => nextByteLoss(mlp, windows)).toThrow(ConfigError);
    mlp.dispose();
  });
});
