import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperiment } from '@fedtune/core';
import { readRunRecords } from '@fedtune/core/testing';
import { playClientPage } from '@fedtune/network/testing';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';
import { writeFederationFiles } from './federationFiles.js';
import { fedtuneProcess } from './fedtuneProcess.js';

/** Debian's Chromium, as CI installs it (apt package `chromium`); FEDTUNE_CHROMIUM points elsewhere. */
const CHROMIUM = process.env.FEDTUNE_CHROMIUM ?? '/usr/bin/chromium';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-browsers-'));
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('browser tabs as clients of fedtune serve', () => {
  it('two Chromium pages and a fedtune join process give the ledger of fedtune run', async () => {
    const experiment = {
      name: 'browsers <and> nodes',
      seed: 11,
      plugins: ['@fedtune/plugin-aquila'],
      data: { numClients: 4, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 400, testLimit: 200 },
      adapter: { rank: 2, alpha: 4 },
      training: { rounds: 3, localSteps: 3, batchSize: 32, learningRate: 0.01 },
      selector: 'aquila',
      compressor: 'aquila',
    };
    const { experimentFile, tokensFile, secretOf } = await writeFederationFiles(folder, 'experiment', experiment);
    const simulated = await runCli(['run', experimentFile, '--out', join(folder, 'simulated'), '--workers', '1']);
    expect(simulated.code, simulated.stderr).toBe(0);

    const server = fedtuneProcess(['serve', experimentFile, '--listen', '127.0.0.1:0', '--tokens', tokensFile, '--out', join(folder, 'deployed')]);
    const [, url = ''] = await server.match(/listening on (ws:\/\/\S+)/);
    const httpUrl = url.replace('ws://', 'http://');
    const nodeClients = fedtuneProcess(['join', url, '--client', '0,1', '--tokens', tokensFile]);
    const pages = await Promise.all([browser.newPage(), browser.newPage()]);
    const outcomes = await Promise.all(pages.map((page, index) => playClientPage(page, httpUrl, index + 2, secretOf(index + 2))));
    const [served, joined] = await Promise.all([server.exited, nodeClients.exited]);

    for (const outcome of outcomes) {
      expect(outcome.phase, `${outcome.error}\n${outcome.log.join('\n')}`).toBe('finished');
      expect(outcome.sent.frameBytes).toBeGreaterThan(outcome.sent.payloadBytes);
    }
    // The page showed its progress: the last round of the run and what it sent.
    const [page] = pages;
    expect(await page.locator('#round').textContent()).toBe('3 of 3');
    expect(await page.locator('#payload-bytes').textContent()).toBe(outcomes[0]?.sent.payloadBytes.toLocaleString('en'));
    expect(await page.locator('#phase').textContent()).toBe('Finished as client 2');
    for (const result of [served, joined]) expect(result.code, result.stderr).toBe(0);
    expect(served.stdout).toMatch(/client page built for browsers/);

    const parsed = parseExperiment(experiment);
    const [deployed] = readRunRecords(parsed, join(folder, 'deployed'));
    expect(deployed?.ledger).toHaveLength(3);
    expect([deployed]).toEqual(readRunRecords(parsed, join(folder, 'simulated')));
  }, 600_000);

  it("a page asked to train on the tab's GPU (tf=webgl) trains with tfjs's WebGL backend and finishes the federation", async () => {
    const experiment = {
      name: 'webgl tab',
      seed: 5,
      data: { numClients: 2, trainLimit: 200, testLimit: 100 },
      adapter: { rank: 2, alpha: 4 },
      training: { rounds: 2, localSteps: 2, batchSize: 32 },
      selector: 'all',
    };
    const { experimentFile, tokensFile, secretOf } = await writeFederationFiles(folder, 'webgl', experiment);

    const server = fedtuneProcess(['serve', experimentFile, '--listen', '127.0.0.1:0', '--tokens', tokensFile, '--out', join(folder, 'webgl')]);
    const [, url = ''] = await server.match(/listening on (ws:\/\/\S+)/);
    const nodeClient = fedtuneProcess(['join', url, '--client', '0', '--tokens', tokensFile]);
    const outcome = await playClientPage(await browser.newPage(), url.replace('ws://', 'http://'), 1, secretOf(1), '&tf=webgl');
    const [served, joined] = await Promise.all([server.exited, nodeClient.exited]);

    expect(outcome.phase, `${outcome.error}\n${outcome.log.join('\n')}`).toBe('finished');
    expect(outcome.log).toContain('experiment "webgl tab" (fashion-mnist embedded, tfjs webgl), 1 run');
    expect(outcome.sent.uploads).toBe(2);
    for (const result of [served, joined]) expect(result.code, result.stderr).toBe(0);
    const [deployed] = readRunRecords(parseExperiment(experiment), join(folder, 'webgl'));
    expect(deployed?.ledger.map((row) => row.participants)).toEqual([2, 2]);
  }, 600_000);
});
