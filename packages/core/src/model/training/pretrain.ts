import type { FeatureSet } from '../../data/types.js';
import { RandomStreams, type RandomKey } from '../../random/counterRandom.js';
import type { BaseModel, HostLinear } from '../architectures/baseModel.js';
import { FullModelInstance } from '../adapters/fullAdapter.js';
import { createMlp, initialMlpWeights, type MlpConfig } from '../architectures/mlp.js';
import { LocalTrainer, type TrainingOptions } from './trainer.js';

/** What pre-training a base MLP needs. */
export interface PretrainOptions {
  data: FeatureSet;
  /** Examples to train on (default: all of `data`). */
  indices?: Uint32Array;
  /** Hidden widths, e.g. `[256, 128]`. */
  hidden: readonly number[];
  /** Outputs of the base head; every label trained on must be below it. */
  numClasses: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Default `adam`. */
  optimizer?: TrainingOptions['optimizer'];
  /** Seed of the initial weights and the shuffles. */
  seed: number;
  /** Provenance saved with the model (upstream classes, data source, …). */
  metadata?: Readonly<Record<string, string>>;
}

/** A client id no federation uses, so pre-training draws never coincide with a client's. */
const PRETRAIN_CLIENT = -1;

/**
 * Trains every weight of an MLP (PyTorch-default initialisation drawn from core's counter random)
 * and returns it as a frozen base. The metadata records the caller's provenance plus the
 * pre-training settings and mean loss.
 */
export async function pretrainBase(options: PretrainOptions): Promise<BaseModel> {
  const { data, seed } = options;
  const config: MlpConfig = { inputSize: data.featureSize, hidden: options.hidden, numClasses: options.numClasses };
  const key = (stream: number): RandomKey => ({ seed, round: 0, client: PRETRAIN_CLIENT, stream });
  const initial = createMlp(config, initialMlpWeights(config, key(RandomStreams.initialisation)));
  const full = new FullModelInstance(initial.modules);
  const trainer = new LocalTrainer(initial, full, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    optimizer: options.optimizer ?? 'adam',
  });
  try {
    const indices = options.indices ?? Uint32Array.from({ length: data.count }, (_, i) => i);
    const result = await trainer.train(
      full.initialParameters(initial.frozen),
      { clientId: PRETRAIN_CLIENT, source: data, indices },
      key(RandomStreams.batchShuffle)
    );
    const weights = new Map<string, HostLinear>(
      initial.modules.map((module) => [module.name, full.moduleValues(result.parameters, module.name)])
    );
    return createMlp(config, weights, {
      ...options.metadata,
      pretrainSeed: String(seed),
      pretrainEpochs: String(options.epochs),
      pretrainSamples: String(indices.length),
      pretrainMeanLoss: String(result.meanLoss),
    });
  } finally {
    trainer.dispose();
    initial.dispose();
  }
}
