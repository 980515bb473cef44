import type { Command } from 'commander';
import type { TokensCommandOptions } from '../actions/tokens.js';
import type { CliIo } from '../io.js';
import { integerIn } from '../optionParsers.js';

/** Adds `fedtune tokens`. */
export function addTokensCommand(program: Command, io: CliIo): void {
  program
    .command('tokens')
    .description('write one random secret per client id, for a federation whose clients join over the network')
    .requiredOption(
      '--clients <n>',
      "client ids 0..n-1 to write a secret for (the experiment's data.numClients)",
      integerIn(1, 1_000_000),
    )
    .requiredOption('-o, --out <file>', 'the tokens file to write, readable by its owner only')
    .option('--overwrite', 'replace an existing tokens file (every client then needs its new secret)')
    .action(async (options: TokensCommandOptions) => (await import('../actions/tokens.js')).tokensCommand(options, io));
}
