import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import {
  compactClassMap,
  createFolder,
  EMBEDDED_BASE_FILE,
  embeddedBasePath,
  FORTUNES_BASE_FILE,
  FORTUNES_DIR,
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
  type TfBackendChoice,
  type TrainingOptions,
} from '@fedtune/core';
import type { CliIo } from '../io.js';
import { integerIn, integerListIn, positiveNumber } from '../optionParsers.js';
import { checkModelOut } from '../outputFolder.js';
import { pretrainTextCommand } from './pretrainText.js';

/** Options of `fedtune pretrain`, as commander parses them. */
export interface PretrainCommandOptions {
  model: 'image' | 'text';
  data: string;
  upstreamClasses: number[];
  hidden: number[];
  epochs: number;
  /** Unset: the chosen model's default ({@link MODEL_DEFAULTS}). */
  batchSize?: number;
  learningRate?: number;
  fortunes: string;
  context: number;
  dModel: number;
  layers: number;
  heads: number;
  steps: number;
  seed: number;
  tfBackend: TfBackendChoice;
  out?: string;
  overwrite?: boolean;
}

/**
 * Batch size and learning rate by model: the MLP's Adam settings, and for the transformer a higher
 * rate that its pre-LayerNorm blocks train stably at, over batches of byte windows.
 */
const MODEL_DEFAULTS = {
  image: { batchSize: 64, learningRate: 0.001 },
  text: { batchSize: 32, learningRate: 0.003 },
} as const;

/** Adds `fedtune pretrain`. */
export function addPretrainCommand(program: Command, io: CliIo): void {
  program
    .command('pretrain')
    .description('pre-train the frozen base model on the upstream classes and save it as safetensors')
    .addOption(
      new Option(
        '--model <kind>',
        "image: the MLP on Fashion-MNIST's upstream classes; text: the byte-level transformer on Debian's fortunes",
      )
        .choices(['image', 'text'])
        .default('image'),
    )
    .option(
      '--data <source>',
      "embedded (the subset in data/), system (Debian's full set), auto, or a folder of IDX files",
      'embedded',
    )
    .option(
      '--upstream-classes <list>',
      'classes the base learns; the rest stay new for fine-tuning',
      integerListIn(0, 9),
      [0, 1, 2, 3, 4],
    )
    .option('--hidden <widths>', 'hidden layer widths of the MLP', integerListIn(1, 65_536), [256, 128])
    .option('--epochs <n>', 'passes over the upstream images', integerIn(1, 1000), 20)
    .option('--fortunes <folder>', 'text: the installed fortune collections', FORTUNES_DIR)
    .option('--context <n>', 'text: bytes per window, the learned positions', integerIn(2, 4096), 64)
    .option('--d-model <n>', 'text: width of the residual stream', integerIn(1, 4096), 64)
    .option('--layers <n>', 'text: transformer blocks', integerIn(1, 64), 2)
    .option('--heads <n>', 'text: attention heads (must divide --d-model)', integerIn(1, 64), 4)
    .option('--steps <n>', 'text: Adam steps', integerIn(1, 1_000_000), 800)
    .option(
      '--batch-size <n>',
      `examples per optimiser step (default: ${MODEL_DEFAULTS.image.batchSize} images, ${MODEL_DEFAULTS.text.batchSize} text windows)`,
      integerIn(1, 65_536),
    )
    .option(
      '--learning-rate <x>',
      `Adam learning rate (default: ${MODEL_DEFAULTS.image.learningRate} image, ${MODEL_DEFAULTS.text.learningRate} text)`,
      positiveNumber,
    )
    .option('--seed <n>', 'seed of the initial weights and the shuffles', integerIn(0, 0xffffffff), 0)
    .addOption(
      new Option('--tf-backend <name>', 'tfjs kernels that train: auto takes the fastest available')
        .choices(['auto', 'cpu', 'wasm'])
        .default('auto'),
    )
    .option(
      '-o, --out <file>',
      `where to save the model (default: ${join('data', EMBEDDED_BASE_FILE)}, or ${join(
        'data',
        FORTUNES_BASE_FILE,
      )} for text, in the repository)`,
    )
    .option('--overwrite', 'replace an existing model file')
    .action((options: PretrainCommandOptions) => pretrainCommand(options, io));
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
