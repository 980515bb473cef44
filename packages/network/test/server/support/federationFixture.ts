import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFedtuneContainer, type LedgerRow, parseExperiment } from '@fedtune/core';
import { FederationServer, type FederationServerOptions, generateClientTokens, TokenStore } from '../../../src/index.js';

/** A temporary folder, removed by `remove`. */
export function temporaryFolder(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `fedtune-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A small experiment on the embedded data and base: every client takes part in every round. */
export function smallExperiment(numClients: number, fields: Record<string, unknown> = {}) {
  return parseExperiment({
    name: 'network server test',
    data: { numClients, trainLimit: 40 * numClients, testLimit: 100 },
    training: { rounds: 2 },
    selector: 'all',
    compressor: 'none',
    ...fields,
  });
}

/** A server under test, the secrets of its clients and every line it logged. */
export interface StartedServer {
  server: FederationServer;
  tokenOf(clientId: number): string;
  log: string[];
  outDir: string;
}

/** Starts a server on a free loopback port with a token for every client, results under `folder`. */
export async function startServer(
  folder: string,
  options: Partial<FederationServerOptions> & Pick<FederationServerOptions, 'experiment'>,
): Promise<StartedServer> {
  const secrets = generateClientTokens(options.experiment.data.numClients);
  const log: string[] = [];
  const outDir = options.outDir ?? mkdtempSync(join(folder, 'results-'));
  const server = await FederationServer.start({
    experimentDir: folder,
    container: createFedtuneContainer(),
    tokens: TokenStore.fromSecrets(secrets),
    host: '127.0.0.1',
    port: 0,
    roundTimeoutMs: 60_000,
    log: (line) => log.push(line),
    overwrite: true,
    ...options,
    outDir,
  });
  return { server, tokenOf: (id) => secrets.get(id) ?? 'no such client', log, outDir };
}

/** The rows of a run's ledger. */
export function readLedger(outDir: string): LedgerRow[] {
  return readFileSync(join(outDir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerRow);
}

/** The columns of ledger rows that say what became of each slot. */
export function slotCounts(rows: readonly LedgerRow[]) {
  return rows.map(({ participants, uploaded, skipped, lost, rejected }) => ({ participants, uploaded, skipped, lost, rejected }));
}
