import { type Command } from 'commander';
import type { JoinCommandOptions } from '../actions/join.js';
import type { CliIo } from '../io.js';
import { integerIn } from '../optionParsers.js';

const DEFAULT_RECONNECT_ATTEMPTS = 12;

/** Adds `fedtune join <url>`. */
export function addJoinCommand(program: Command, io: CliIo): void {
  program
    .command('join')
    .description('join a federation that `fedtune serve` runs, training as one or more of its clients')
    .argument('<url>', 'the server: ws://HOST:PORT, or wss://HOST:PORT when it serves TLS')
    .requiredOption('--client <ids>', 'the client ids to play: one (3), a list (0,2), ranges (5-7) or a mix (0,2,5-7)')
    .option('--token <secret>', "the client's secret from the server's tokens file (a single --client id)")
    .option('--tokens <file>', 'a tokens file written by `fedtune tokens`, holding the secret of every --client id')
    .option('--data <dir>', "folder the experiment's relative data and base model paths start from (default: the working directory)")
    .option('--ca <file>', "PEM certificate to trust for a wss server whose certificate is self-signed")
    .option(
      '--reconnect-attempts <n>',
      'tries in a row to join again after the connection is lost (waits from 0.5 s, doubling up to 10 s); 0: leave at once',
      integerIn(0, 1_000_000),
      DEFAULT_RECONNECT_ATTEMPTS,
    )
    .action(async (url: string, options: JoinCommandOptions) => (await import('../actions/join.js')).joinCommand(url, options, io));
}
