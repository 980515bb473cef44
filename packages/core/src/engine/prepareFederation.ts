import { isAbsolute, resolve } from 'node:path';
import { loadFashionMnist } from '../data/fashionMnist.js';
import { toFeatureSet } from '../data/features.js';
import { partitionIndices } from '../data/partition.js';
import { splitUpstreamDownstream, stratifiedSubset } from '../data/splits.js';
import type { ClientData, FeatureSet } from '../data/types.js';
import { ConfigError } from '../errors.js';
import type { Experiment } from '../experiment/schema.js';
import type { BaseModel } from '../model/baseModel.js';
import { loadBaseModel } from '../model/baseModelFile.js';
import { embeddedBasePath } from '../model/embeddedBase.js';
import { useTfBackend } from '../model/tfBackend.js';
import { RandomStream, RandomStreams } from '../random/counterRandom.js';

/** The data, clients and frozen base every run of one experiment shares. */
export interface Federation {
  train: FeatureSet;
  test: FeatureSet;
  /** Test images to evaluate on (a stratified subset when `testLimit` is set). */
  testIndices: Uint32Array | undefined;
  clients: ClientData[];
  base: BaseModel;
  /** Dataset and kind of source (`fashion-mnist embedded`), without folder names. */
  dataOrigin: string;
  tfBackend: string;
}

/**
 * Loads the data, splits off the downstream pool the base never saw, partitions it over the
 * clients and loads the frozen base. Done once per experiment, so comparison runs share it.
 */
export async function prepareFederation(experiment: Experiment, experimentDir: string): Promise<Federation> {
  const tfBackend = await useTfBackend(experiment.training.tfBackend);
  const { data } = experiment;
  const source = ['embedded', 'system', 'auto'].includes(data.source) ? data.source : resolve(experimentDir, data.source);
  const images = loadFashionMnist({ source });
  const train = toFeatureSet(images.train);
  const test = toFeatureSet(images.test);

  let { downstream } = splitUpstreamDownstream(images.train.labels, data.upstreamClasses);
  if (data.trainLimit !== undefined && data.trainLimit < downstream.length) {
    const stream = new RandomStream({ seed: experiment.seed, round: 0, client: 0, stream: RandomStreams.subset });
    downstream = stratifiedSubset(images.train.labels, downstream, data.trainLimit, stream);
  }
  let testIndices: Uint32Array | undefined;
  if (data.testLimit !== undefined && data.testLimit < test.count) {
    const stream = new RandomStream({ seed: experiment.seed, round: 0, client: 1, stream: RandomStreams.subset });
    const all = Uint32Array.from({ length: test.count }, (_, i) => i);
    testIndices = stratifiedSubset(images.test.labels, all, data.testLimit, stream);
  }

  const partitionStream = new RandomStream({ seed: experiment.seed, round: 0, client: 0, stream: RandomStreams.partition });
  const shares = partitionIndices(images.train.labels, downstream, data.numClients, data.partition, partitionStream);
  const clients = shares.map((indices, clientId) => ({ clientId, source: train, indices }));

  const base = await loadBaseModel(resolveBasePath(experiment.model.base, experimentDir));
  if (base.inputSize !== train.featureSize) {
    throw new ConfigError(
      `model.base: the base takes ${base.inputSize} inputs but the data has ${train.featureSize} features; pre-train a base for this data with fedtune pretrain`,
    );
  }
  return { train, test, testIndices, clients, base, dataOrigin: `fashion-mnist ${images.kind}`, tfBackend };
}

function resolveBasePath(base: string, experimentDir: string): string {
  if (base === 'embedded') return embeddedBasePath();
  return isAbsolute(base) ? base : resolve(experimentDir, base);
}
