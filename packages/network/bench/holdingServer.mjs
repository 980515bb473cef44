// The server of the connections-held measurement (see connectionsHeld.mjs), forked with IPC and
// --expose-gc so its memory is its own and read after full collections. argv[2] is N, the
// connections to hold. The experiment has N + 1 clients and only N connect, so the server waits
// for the last one and never starts round 0: the connections stay idle and authenticated.
// Messages: it sends `{ listening: { url, credentials, memory } }` once bound, answers
// `{ measure: true }` with `{ memory }` and `{ stop: true }` with `{ stopped: true }`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFedtuneContainer, parseExperiment } from '@fedtune/core';
import { FederationServer, generateClientTokens, JoinRateLimiter, TokenStore } from '../dist/index.js';

const connections = Number(process.argv[2]);
const numClients = connections + 1;
/** Rows per client: the data is loaded once, before anyone joins, and plays no part here. */
const ROWS_PER_CLIENT = 4;

/** Process memory after full collections, so garbage is not counted as held. */
function memory() {
  globalThis.gc();
  globalThis.gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

const experiment = parseExperiment({
  name: `connections-${connections}`,
  data: { numClients, partition: { kind: 'iid' }, trainLimit: ROWS_PER_CLIENT * numClients, testLimit: 100 },
  training: { rounds: 1 },
  selector: 'all',
  compressor: 'none',
});
const folder = mkdtempSync(join(tmpdir(), 'fedtune-bench-held-'));
const secrets = generateClientTokens(numClients);
let refusals = 0;
const server = await FederationServer.start({
  experiment,
  experimentDir: folder,
  container: createFedtuneContainer(),
  tokens: TokenStore.fromSecrets(secrets),
  host: '127.0.0.1',
  port: 0,
  outDir: join(folder, 'results'),
  roundTimeoutMs: 60_000,
  // Every connection comes from 127.0.0.1: the default limit (10 joins at once per address) would
  // refuse all but the first few, as it should for one real address.
  rateLimiter: new JoinRateLimiter({ attempts: numClients }),
  log: (line) => {
    if (line.includes('refused')) refusals++;
  },
});
// Never started, so it rejects once stopped.
server.summaries.catch(() => undefined);

const credentials = [...secrets].filter(([clientId]) => clientId < connections).map(([clientId, token]) => ({ clientId, token }));
process.send({ listening: { url: server.url, credentials, memory: memory() } });
process.on('message', async (message) => {
  if (message.measure === true) {
    process.send({ memory: memory(), refusals });
  } else if (message.stop === true) {
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
    process.send({ stopped: true });
    process.disconnect();
  }
});
