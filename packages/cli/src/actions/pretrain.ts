import { dirname } from 'node:path';
import {
  compactClassMap,
  createFolder,
  embeddedBasePath,
  headOnlyAdapter,
  LocalTrainer,
  loadFashionMnist,
  pretrainBase,
  RandomStreams,
  saveBaseModel,
  selectIndices,
  splitUpstreamDownstream,
  toFeatureSet,
  useTfBackend,
  type BaseModel,
  type FeatureSet,
  type TrainingOptions,
} from '@fedtune/core';
import type { CliIo } from '../io.js';
import { checkModelOut } from '../outputFolder.js';
import { MODEL_DEFAULTS } from '../pretrainDefaults.js';
import { pretrainTextCommand, type TextPretrainSettings } from './pretrainText.js';

/**
 * Options of `fedtune pretrain`, as commander parses them: the image model's, and the text model's
 * ({@link TextPretrainSettings}) with the batch size and learning rate left to the model's default.
 */
export interface PretrainCommandOptions extends Omit<TextPretrainSettings, 'batchSize' | 'learningRate'> {
  model: 'image' | 'text';
  data: string;
  upstreamClasses: number[];
  hidden: number[];
  epochs: number;
  /** Unset: the chosen model's default ({@link MODEL_DEFAULTS}). */
  batchSize?: number;
  learningRate?: number;
}

/**
 * Pre-trains the base on the upstream pool's images of the upstream classes (labels remapped to
 * 0..k−1), reports its accuracy on the test set's images of those classes, and saves it.
 */
export async function pretrainCommand(options: PretrainCommandOptions, io: CliIo): Promise<void> {
  const defaults = MODEL_DEFAULTS[options.model];
  const batchSize = options.batchSize ?? defaults.batchSize;
  const learningRate = options.learningRate ?? defaults.learningRate;
  if (options.model === 'text') {
    await pretrainTextCommand({ ...options, batchSize, learningRate }, io);
    return;
  }
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const out = checkModelOut(options.out ?? embeddedBasePath(), options.overwrite);
  const tfBackend = await useTfBackend(options.tfBackend);
  const { train, test, origin, kind } = loadFashionMnist({ source: options.data });
  const classes = options.upstreamClasses;
  const classMap = compactClassMap(classes);
  const { upstream } = splitUpstreamDownstream(train.labels, classes);
  const upstreamTrain = toFeatureSet(selectIndices(train, upstream), { classMap });
  // The test split is never trained on, so all of its upstream-class images are held out.
  const upstreamTest = toFeatureSet(test, { classMap, dropUnmapped: true });
  say(`data: ${origin}; ${upstreamTrain.count} upstream images of classes ${classes.join(',')}`);

  const training: TrainingOptions = {
    epochs: options.epochs,
    batchSize,
    learningRate,
    optimizer: 'adam',
  };
  const layers = [upstreamTrain.featureSize, ...options.hidden, classes.length].join('-');
  const epochs = options.epochs === 1 ? '1 epoch' : `${options.epochs} epochs`;
  say(`pre-training MLP ${layers} for ${epochs} on tfjs ${tfBackend} ...`);
  const started = performance.now();
  const model = await pretrainBase({
    data: upstreamTrain,
    hidden: options.hidden,
    numClasses: classes.length,
    ...training,
    seed: options.seed,
    // The kind of source only: a saved model must not carry this machine's folder names.
    metadata: { dataset: 'fashion-mnist', dataSource: kind, upstreamClasses: JSON.stringify(classes) },
  });
  try {
    const accuracy = await accuracyOf(model, upstreamTest, training);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    say(
      `held-out accuracy on the test set's classes ${classes.join(',')}: ${(accuracy * 100).toFixed(2)}% ` +
        `(${upstreamTest.count} images; ${seconds} s)`,
    );
    createFolder(dirname(out));
    await saveBaseModel(model, out);
    say(`saved ${out}`);
  } finally {
    model.dispose();
  }
}

/** The base's own accuracy: the head-only adapter starts from the base's head, so its initial parameters are the base. */
async function accuracyOf(model: BaseModel, data: FeatureSet, training: TrainingOptions): Promise<number> {
  const adapter = headOnlyAdapter.create(model.modules, {
    rank: 1,
    alpha: 1,
    numClasses: model.numClasses,
    random: { seed: 0, round: 0, client: 0, stream: RandomStreams.initialisation },
  });
  const trainer = new LocalTrainer(model, adapter, training);
  try {
    return (await trainer.evaluate(adapter.initialParameters(model.frozen), data)).accuracy;
  } finally {
    trainer.dispose();
  }
}
