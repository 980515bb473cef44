import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError, isFedtuneError } from '@fedtune/core';
import { joinFederation, parseClientIdList, secretsForClients, type ClientRoundEvent } from '@fedtune/network';
import type { CliIo } from '../io.js';
import { terminalText } from '../terminalText.js';
import { readPemOption } from '../pemFile.js';
import { integerIn } from '../optionParsers.js';

/** Options of `fedtune join`, as commander parses them. */
export interface JoinCommandOptions {
  client: number[];
  token?: string;
  tokens?: string;
  data?: string;
  ca?: string;
  reconnectAttempts: number;
}

const DEFAULT_RECONNECT_ATTEMPTS = 12;

/** Adds `fedtune join <url>`. */
export function addJoinCommand(program: Command, io: CliIo): void {
  program
    .command('join')
    .description('join a federation that `fedtune serve` runs, training as one or more of its clients')
    .argument('<url>', 'the server: ws://HOST:PORT, or wss://HOST:PORT when it serves TLS')
    .requiredOption('--client <ids>', 'the client ids to play: one (3), a list (0,2), ranges (5-7) or a mix (0,2,5-7)', clientIdList)
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
    .action((url: string, options: JoinCommandOptions) => joinCommand(url, options, io));
}

/** Joins the federation at `url` and plays the given client ids until the server finishes. */
export async function joinCommand(url: string, options: JoinCommandOptions, io: CliIo): Promise<void> {
  const tokens = secretsForClients(options.client, { token: options.token, tokensFile: options.tokens });
  const ca = options.ca === undefined ? undefined : readPemOption('--ca', 'certificate', options.ca);
  const dataDir = resolve(options.data ?? '.');
  if (options.data !== undefined && !isFolder(dataDir)) {
    throw new ConfigError(`--data ${options.data} is not a folder; give the folder the experiment's data paths start from`);
  }
  // Labels and messages come from the server's experiment: their control characters are shown, not obeyed.
  const write = (line: string) => io.stdout.write(`${terminalText(line, { keepLineFeeds: true })}\n`);
  const totals = await joinFederation({
    url,
    tokens,
    dataDir,
    resolveFrom: process.cwd(),
    log: write,
    onRound: (event) => write(roundLine(event)),
    reconnect: { attempts: options.reconnectAttempts },
    ...(ca === undefined ? {} : { ca }),
  });
  write(`finished: ${plural(totals.uploads, 'upload')}, ${bytes(totals.payloadBytes)} of payload sent (${bytes(totals.frameBytes)} on the wire)`);
}

/** Commander's parser for `--client`. */
function clientIdList(value: string): number[] {
  try {
    return parseClientIdList(value);
  } catch (error) {
    if (isFedtuneError(error, 'ConfigError')) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

function roundLine(event: ClientRoundEvent): string {
  return `[${event.label}] round ${event.round + 1}/${event.rounds}: ${plural(event.uploads, 'upload')}, ${bytes(event.payloadBytes)} sent`;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Bytes in kB or MB (10³, 10⁶), as the summary table counts them. */
function bytes(count: number): string {
  if (count < 1e3) return `${count} B`;
  return count < 1e6 ? `${(count / 1e3).toFixed(1)} kB` : `${(count / 1e6).toFixed(2)} MB`;
}
