import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './capture.js';

/** The files `fedtune serve` and `fedtune join` are started with. */
export interface FederationFiles {
  experimentFile: string;
  tokensFile: string;
  /** The secret the tokens file holds for `clientId`. */
  secretOf(clientId: number): string;
}

/**
 * Writes `experiment` as `<name>.json` in `folder`, and `<name>-tokens.json` with a secret for each
 * of its clients, as `fedtune tokens --clients N` writes it.
 * @throws Error when `fedtune tokens` fails.
 */
export async function writeFederationFiles(folder: string, name: string, experiment: { data: { numClients: number } }): Promise<FederationFiles> {
  const experimentFile = join(folder, `${name}.json`);
  writeFileSync(experimentFile, JSON.stringify(experiment));
  const tokensFile = join(folder, `${name}-tokens.json`);
  const written = await runCli(['tokens', '--clients', String(experiment.data.numClients), '--out', tokensFile]);
  if (written.code !== 0) throw new Error(`fedtune tokens failed: ${written.stderr}`);
  const { tokens } = JSON.parse(readFileSync(tokensFile, 'utf8')) as { tokens: Record<string, string> };
  return { experimentFile, tokensFile, secretOf: (clientId) => tokens[String(clientId)] ?? 'no such client' };
}
