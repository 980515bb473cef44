// The quickstart run twice: by runExperiment in this process, as `fedtune run --workers 1` does,
// and served over loopback — a FederationServer in this process, its clients in `fedtune join`
// child processes. Each gives its ledger rows, its adapter file and how long it took.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFedtuneContainer, runExperiment } from '@fedtune/core';
import { FederationServer, generateClientTokens, TokenStore, writeTokensFile } from '../dist/index.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fedtuneBin = fileURLToPath(new URL('../../cli/bin/fedtune.js', import.meta.url));
const builtCli = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));

/** The bench's clients are `fedtune join` processes: the CLI must be built. */
export function checkCliBuilt() {
  if (!existsSync(builtCli)) {
    throw new Error('the fedtune CLI is not built; run npm run bench:serve at the repository root, which builds it first');
  }
}

function readRun(outDir) {
  const ledger = readFileSync(join(outDir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  return { ledger, adapter: readFileSync(join(outDir, 'adapter', 'adapter_model.safetensors')) };
}

/** `fedtune run --workers 1`: the experiment by runExperiment in this process. */
export async function runInProcess(experiment, experimentDir, outDir) {
  const began = performance.now();
  await runExperiment(experiment, { outDir, experimentDir, container: createFedtuneContainer(), workers: 1, log: () => {} });
  return { ...readRun(outDir), totalMs: performance.now() - began };
}

/** `fedtune join URL --client A-B --tokens FILE` as a child process; rejects unless it exits 0. */
function joinProcess(url, first, last, tokensFile) {
  const child = spawn(process.execPath, [fedtuneBin, 'join', url, '--client', `${first}-${last}`, '--tokens', tokensFile], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fedtune join --client ${first}-${last} exited with ${code}: ${stderr}`))));
  });
}

/**
 * `fedtune serve` with its clients split evenly over `processes` `fedtune join` processes. The time
 * counts from the server's start to its summaries, the clients' start-up (tfjs, data) included.
 */
export async function runServed(experiment, experimentDir, outDir, processes) {
  const numClients = experiment.data.numClients;
  const secrets = generateClientTokens(numClients);
  const tokensFile = `${outDir}-tokens.json`;
  writeTokensFile(tokensFile, secrets);
  const log = [];
  const began = performance.now();
  const server = await FederationServer.start({
    experiment,
    experimentDir,
    container: createFedtuneContainer(),
    tokens: TokenStore.fromSecrets(secrets),
    host: '127.0.0.1',
    port: 0,
    outDir,
    roundTimeoutMs: 600_000,
    log: (line) => log.push(line),
  });
  const share = Math.ceil(numClients / processes);
  const clients = Array.from({ length: processes }, (_, index) =>
    joinProcess(server.url, index * share, Math.min(numClients, (index + 1) * share) - 1, tokensFile),
  );
  try {
    await Promise.all([server.summaries, ...clients]);
  } catch (error) {
    await server.stop();
    throw new Error(`the served run with ${processes} join processes failed: ${error.message}\nserver log:\n${log.join('\n')}`);
  }
  return { ...readRun(outDir), totalMs: performance.now() - began };
}
