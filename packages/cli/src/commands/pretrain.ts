import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { EMBEDDED_BASE_FILE, FORTUNES_BASE_FILE, FORTUNES_DIR } from '@fedtune/core/light';
import type { PretrainCommandOptions } from '../actions/pretrain.js';
import type { CliIo } from '../io.js';
import { integerIn, integerListIn, positiveNumber } from '../optionParsers.js';
import { MODEL_DEFAULTS } from '../pretrainDefaults.js';

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
    .action(async (options: PretrainCommandOptions) => (await import('../actions/pretrain.js')).pretrainCommand(options, io));
}
