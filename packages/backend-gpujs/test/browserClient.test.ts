import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFedtuneContainer, parseExperiment } from '@fedtune/core';
import { readRunRecords } from '@fedtune/core/testing';
import { FederationServer, generateClientTokens, TokenStore } from '@fedtune/network';
import { playClientPage, type ClientPageOutcome } from '@fedtune/network/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gpujsPlugin, PACKAGE_NAME } from '../src/index.js';
import { launchChromium } from './browser/chromium.js';
import { buildPackage } from './support/builtPackage.js';
import { describeWithGpu } from './support/gpuTests.js';

const CLIENTS = 2;
const ROUNDS = 2;

/** The line a client logs when a run starts, naming the backend that runs its kernels. */
const RUN_START = /^run 1\/1: .+ \(backend (\S+)\)$/;

/** Why a page stopped, and its log: the message of a failed expectation on it. */
function storyOf(outcome: ClientPageOutcome): string {
  return `${outcome.error ?? ''}\n${outcome.log.join('\n')}`;
}

describeWithGpu('browser clients of fedtune serve with the gpujs backend', () => {
  const folder = mkdtempSync(join(tmpdir(), 'fedtune-gpujs-serve-'));
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let server: FederationServer | undefined;
  let serverDone = false;

  beforeAll(async () => {
    // The server bundles the page from the installed package, which is this one's dist/.
    buildPackage();
    browser = await launchChromium();
  });

  afterAll(async () => {
    // A page that failed leaves the server waiting for its client.
    if (!serverDone) await server?.stop();
    await browser?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('runs every client on WebGL in its tab, and the server gets each round', async () => {
    const experiment = parseExperiment({
      name: 'gpujs in browser clients',
      plugins: [PACKAGE_NAME],
      backend: { name: 'gpujs' },
      data: { numClients: CLIENTS, trainLimit: 40 * CLIENTS, testLimit: 100 },
      training: { rounds: ROUNDS },
      selector: 'all',
      // Encodes with the backend's stochasticQuantize, so every upload runs a kernel in the tab.
      compressor: 'qsgd',
    });
    const container = createFedtuneContainer();
    gpujsPlugin.register(container);
    const secrets = generateClientTokens(CLIENTS);
    const outDir = join(folder, 'results');
    const serverLog: string[] = [];
    server = await FederationServer.start({
      experiment,
      // Holds no node_modules: the plugin resolves from the working directory, this package's.
      experimentDir: folder,
      container,
      tokens: TokenStore.fromSecrets(secrets),
      host: '127.0.0.1',
      port: 0,
      outDir,
      // Software rendering on shared cores is slow; a slow tab must not count as lost.
      roundTimeoutMs: 600_000,
      log: (line) => serverLog.push(line),
    });
    const over = () => (serverDone = true);
    server.summaries.then(over, over);
    const httpUrl = server.url.replace('ws://', 'http://');

    const context = browser!.context;
    const pages = await Promise.all(Array.from({ length: CLIENTS }, () => context.newPage()));
    const outcomes = await Promise.all(
      pages.map(async (page, clientId) => {
        const outcome = await playClientPage(page, httpUrl, clientId, secrets.get(clientId)!);
        // Checked at once: the other tabs wait for a client that stopped early until the test's timeout.
        expect(outcome.phase, storyOf(outcome)).toBe('finished');
        return outcome;
      })
    );

    for (const outcome of outcomes) {
      const story = storyOf(outcome);
      const backends = outcome.log.flatMap((line) => RUN_START.exec(line)?.[1] ?? []);
      expect(backends, story).toHaveLength(1);
      expect(backends[0], story).toMatch(/^gpujs:webgl2?$/);
      expect(outcome.sent.uploads, story).toBe(ROUNDS);
      expect(outcome.sent.payloadBytes, story).toBeGreaterThan(0);
    }

    expect(await server.summaries, serverLog.join('\n')).toHaveLength(1);
    const [main] = readRunRecords(experiment, outDir);
    expect(main?.ledger.map(({ round, uploaded, lost, rejected }) => ({ round, uploaded, lost, rejected }))).toEqual(
      Array.from({ length: ROUNDS }, (_, round) => ({ round, uploaded: CLIENTS, lost: 0, rejected: 0 }))
    );
  }, 600_000);
});
