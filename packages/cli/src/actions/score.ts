import {
  DataError,
  loadHfLanguageModel,
  loadHfPeftAdapter,
  readScoringText,
  scoreTokens,
  useTfBackend,
  type HfPeftAdapter,
  type TfBackendChoice,
} from '@fedtune/core';
import type { CliIo } from '../io.js';
import { terminalText } from '../terminalText.js';

/** Options of `fedtune score`, as commander parses them. */
export interface ScoreCommandOptions {
  model: string;
  adapter?: string;
  file: string;
  json?: boolean;
  context?: number;
  stride?: number;
  tfBackend: TfBackendChoice;
}

/** Scores the text file and prints the result. */
export async function scoreCommand(options: ScoreCommandOptions, io: CliIo): Promise<void> {
  await useTfBackend(options.tfBackend);
  const text = readScoringText(options.file);
  const { model, tokenizer, notes } = await loadHfLanguageModel(options.model, { contextLength: options.context });
  let adapter: HfPeftAdapter | undefined;
  try {
    for (const note of notes) io.stderr.write(`note: ${terminalText(note)}\n`);
    if (options.adapter !== undefined) adapter = await loadHfPeftAdapter(options.adapter, model);
    const ids = tokenizer.encode(text);
    if (ids.length < 2) {
      throw new DataError(`${options.file} holds ${ids.length} token${ids.length === 1 ? '' : 's'}; scoring needs at least two (the first is never predicted): give a longer text.`);
    }
    const { tokens, meanNll, perplexity } = scoreTokens(model, ids, { stride: options.stride, linear: adapter?.linear });
    io.stdout.write(
      options.json === true
        ? `${JSON.stringify({ tokens, meanNll, perplexity })}\n`
        : `${terminalText(options.file)}: ${tokens} tokens predicted, mean NLL ${meanNll.toFixed(4)} nats/token, perplexity ${perplexity.toFixed(3)}\n`,
    );
  } finally {
    adapter?.dispose();
    model.dispose();
  }
}
