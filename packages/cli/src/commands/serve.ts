import { InvalidArgumentError, type Command } from 'commander';
import type { ListenAddress, ServeCommandOptions } from '../actions/serve.js';
import type { CliIo } from '../io.js';
import { integerIn, positiveNumber } from '../optionParsers.js';

const DEFAULT_ROUND_TIMEOUT_SECONDS = 600;

/** `HOST:PORT`, `[IPv6]:PORT`; port 0 takes any free port. */
function listenAddress(value: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !(port >= 0 && port <= 65_535)) {
    throw new InvalidArgumentError(`expected HOST:PORT with a port from 0 to 65535, such as 0.0.0.0:8080 or [::1]:8080, got "${value}".`);
  }
  return { host, port };
}

/** Adds `fedtune serve <experiment.json>`. */
export function addServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run an experiment as a federation server: its clients join over the network (fedtune join) and train on their own machines')
    .argument('<experiment>', 'the experiment file (.json)')
    .requiredOption('--listen <host:port>', 'address to listen on, such as 0.0.0.0:8080 (port 0: any free port)', listenAddress)
    .requiredOption('--tokens <file>', 'the tokens file fedtune tokens wrote, with a secret for every client id')
    .requiredOption('-o, --out <dir>', 'results folder, as for fedtune run')
    .option(
      '--round-timeout <seconds>',
      'seconds a client has to upload from the moment its assignment is sent; after that it counts lost for the round',
      positiveNumber,
      DEFAULT_ROUND_TIMEOUT_SECONDS,
    )
    .option('--min-clients <n>', 'start with this many clients once --start-timeout has passed, rather than waiting for all', integerIn(1, 1_000_000))
    .option('--start-timeout <seconds>', 'seconds to wait for every client before --min-clients suffice', positiveNumber)
    .option('--tls-cert <file>', 'PEM certificate: serve wss:// instead of ws:// (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--checkpoint-every <k>', 'save the server state every k rounds, so a stopped server can go on with --resume', integerIn(1, 1_000_000))
    .option('--resume', 'go on with the stopped federation in --out (one started with --checkpoint-every)')
    .option('--overwrite', 'replace everything a --out folder holds, once the federation starts')
    .action(async (file: string, options: ServeCommandOptions) => (await import('../actions/serve.js')).serveCommand(file, options, io));
}
