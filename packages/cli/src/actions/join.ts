import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, isFedtuneError } from '@fedtune/core';
import { joinFederation, parseClientIdList, secretsForClients, type ClientRoundEvent } from '@fedtune/network';
import { byteCount } from '../byteCount.js';
import type { CliIo } from '../io.js';
import { terminalText } from '../terminalText.js';
import { readPemOption } from '../pemFile.js';

/** Options of `fedtune join`, as commander parses them. */
export interface JoinCommandOptions {
  /** As typed: one id, a list, ranges or a mix (`0,2,5-7`). */
  client: string;
  token?: string;
  tokens?: string;
  data?: string;
  ca?: string;
  reconnectAttempts: number;
}

/** Joins the federation at `url` and plays the given client ids until the server finishes. */
export async function joinCommand(url: string, options: JoinCommandOptions, io: CliIo): Promise<void> {
  const tokens = secretsForClients(clientIds(options.client), { token: options.token, tokensFile: options.tokens });
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
  write(`finished: ${plural(totals.uploads, 'upload')}, ${byteCount(totals.payloadBytes)} of payload sent (${byteCount(totals.frameBytes)} on the wire)`);
}

/** `--client`, read here rather than by commander so `fedtune --help` need not load the network package. */
function clientIds(text: string): number[] {
  try {
    return parseClientIdList(text);
  } catch (error) {
    if (isFedtuneError(error, 'ConfigError')) throw new ConfigError(`--client ${text}: ${error.message}`, { cause: error });
    throw error;
  }
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

function roundLine(event: ClientRoundEvent): string {
  return `[${event.label}] round ${event.round + 1}/${event.rounds}: ${plural(event.uploads, 'upload')}, ${byteCount(event.payloadBytes)} sent`;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
