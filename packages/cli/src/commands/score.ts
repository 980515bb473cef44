import { Option, type Command } from 'commander';
import { MAX_SCORING_TEXT_BYTES } from '@fedtune/core/light';
import type { ScoreCommandOptions } from '../actions/score.js';
import type { CliIo } from '../io.js';
import { integerIn } from '../optionParsers.js';

const WINDOWS_HELP = `
How long texts are scored: as Hugging Face's perplexity guide does, in windows of --context tokens
(default: the model's longest) that start every --stride tokens (default: half the context); each
window predicts only the tokens the previous one did not reach, so every token after the first is
predicted once, with as much left context as its window holds. The first token has no prediction
(a tokenizer that adds BOS gets the first word of the text scored). A smaller stride gives more
context per token and costs more windows.

The text file is read as UTF-8 (other encodings are refused), at most ${MAX_SCORING_TEXT_BYTES} bytes.
--adapter applies a PEFT LoRA adapter (adapter_config.json, adapter_model.safetensors) saved for
the model, without merging it.

Output: "<file>: N tokens predicted, mean NLL x nats/token, perplexity y", or with --json exactly
{ "tokens": N, "meanNll": x, "perplexity": y }.`;

/** Adds `fedtune score`. */
export function addScoreCommand(program: Command, io: CliIo): void {
  program
    .command('score')
    .description("the mean negative log-likelihood and perplexity of a text file under a Hugging Face model (and a PEFT adapter)")
    .requiredOption('--model <dir>', 'Hugging Face model folder: config.json, model.safetensors (or shards), tokenizer.json')
    .option('--adapter <dir>', 'PEFT LoRA adapter folder saved for the model, applied without merging')
    .requiredOption('--file <text>', 'UTF-8 text file to score')
    .option('--json', 'print { "tokens", "meanNll", "perplexity" } as JSON')
    .option('--context <n>', "tokens per window (default: the model's longest)", integerIn(2, 1_000_000))
    .option('--stride <n>', 'tokens between window starts, below the context (default: half the context)', integerIn(1, 1_000_000))
    .addOption(
      new Option('--tf-backend <name>', 'tfjs kernels that compute: auto takes the fastest available').choices(['auto', 'cpu', 'wasm']).default('auto'),
    )
    .addHelpText('after', WINDOWS_HELP)
    .action(async (options: ScoreCommandOptions) => (await import('../actions/score.js')).scoreCommand(options, io));
}
