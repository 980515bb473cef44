import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { corePlugin, decodeMessage, encodeMessage, type ProtocolMessage } from '@fedtune/core';
import { generateClientTokens, writeTokensFile } from '@fedtune/network';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { main } from '../src/cli.js';
import { runCli } from './capture.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-serve-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const experimentFile = join(folder, 'experiment.json');
writeFileSync(
  experimentFile,
  JSON.stringify({ name: 'served', data: { numClients: 2, trainLimit: 80, testLimit: 100 }, training: { rounds: 2 }, selector: 'all' }),
);
const tokensFile = join(folder, 'tokens.json');
const secrets = generateClientTokens(2);
writeTokensFile(tokensFile, secrets);

/** A stream that keeps what is written to it and says when a line matching a pattern has come. */
class WatchedStream extends Writable {
  text = '';
  private watchers: (() => void)[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    for (const watcher of this.watchers) watcher();
    done();
  }

  /** The first match of `pattern`, once it has been written. */
  async match(pattern: RegExp): Promise<RegExpExecArray> {
    for (;;) {
      const found = pattern.exec(this.text);
      if (found !== null) return found;
      await new Promise<void>((resolve) => this.watchers.push(resolve));
    }
  }
}

/** Joins as clients 0 and 1 and answers every assignment with a skipped upload until the server finishes. */
async function skippingClients(url: string): Promise<void> {
  const socket = new WebSocket(url);
  const send = (message: ProtocolMessage) => socket.send(encodeMessage(message));
  const finished = new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('message', (data: Buffer) => {
      const message = decodeMessage(new Uint8Array(data));
      if (message.type === 'finish') resolve();
      if (message.type === 'refused' || message.type === 'error') reject(new Error(message.message));
      if (message.type !== 'assign') return;
      const { runIndex, round, clientId, slot } = message;
      // Each of the two clients holds 40 of the 80 training rows, the count the server checks.
      send({ type: 'upload', runIndex, round, clientId, slot, outcome: 'skipped', loss: 1, samples: 40, values: 1 });
    });
  });
  socket.once('open', () =>
    send({ type: 'join', coreVersion: corePlugin.version, clients: [0, 1].map((clientId) => ({ clientId, token: secrets.get(clientId) ?? '' })) }),
  );
  await finished;
}

describe('fedtune serve', () => {
  it('prints the address it listens on, serves the federation to its clients, and prints the summary (exit 0)', async () => {
    const out = join(folder, 'results');
    const stdout = new WatchedStream();
    const stderr = new WatchedStream();
    const exit = main(['serve', experimentFile, '--listen', '127.0.0.1:0', '--tokens', tokensFile, '--out', out], { stdout, stderr });
    const [, url] = await stdout.match(/^listening on (ws:\/\/127\.0\.0\.1:\d+)$/m);
    expect(url).not.toBe('ws://127.0.0.1:0');
    await skippingClients(url as string);
    expect(await exit).toBe(0);
    expect(stderr.text).toBe('');
    expect(stdout.text).toContain('clients 0, 1 (127.0.0.1) joined; 2 of 2 clients connected\n');
    expect(stdout.text).toMatch(/^\[lora\] round 2\/2 {2}acc \d+\.\d\d% {2}loss 1\.0000$/m);
    expect(stdout.text).toMatch(/│ lora\s+│\s+\d+\.\d\d% │/);
    expect(stdout.text).toContain(`results: ${out}\n`);
    const rows = readFileSync(join(out, 'ledger.jsonl'), 'utf8').trim().split('\n');
    expect(rows.map((row) => (JSON.parse(row) as { skipped: number }).skipped)).toEqual([2, 2]);
  });

  it('refuses a tokens file that misses a client of the experiment, naming the fix (exit 2)', async () => {
    const partial = join(folder, 'partial-tokens.json');
    writeTokensFile(partial, generateClientTokens(1));
    const { code, stdout, stderr } = await runCli(['serve', experimentFile, '--listen', '127.0.0.1:0', '--tokens', partial, '--out', join(folder, 'never')]);
    expect(code).toBe(2);
    expect(stdout).not.toContain('listening on');
    expect(stderr).toBe(
      "error: the tokens file has no token for client 1 of the experiment's 2; write one for every client with fedtune tokens --clients 2 --out FILE (and give each client its secret)\n",
    );
  });

  it('refuses a malformed --listen and options that only work in pairs (exit 2)', async () => {
    const serve = (...extra: string[]) =>
      runCli(['serve', experimentFile, '--tokens', tokensFile, '--out', join(folder, 'never'), ...extra]);
    const noPort = await serve('--listen', 'localhost');
    expect(noPort.code).toBe(2);
    expect(noPort.stderr).toContain('expected HOST:PORT with a port from 0 to 65535, such as 0.0.0.0:8080 or [::1]:8080, got "localhost"');
    const minAlone = await serve('--listen', '127.0.0.1:0', '--min-clients', '1');
    expect(minAlone.code).toBe(2);
    expect(minAlone.stderr).toContain('error: --min-clients and --start-timeout go together');
    const certAlone = await serve('--listen', '127.0.0.1:0', '--tls-cert', 'cert.pem');
    expect(certAlone.code).toBe(2);
    expect(certAlone.stderr).toContain('error: --tls-cert and --tls-key go together');
  });

  it('is listed in the help with an example', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+serve \[options\] <experiment>\s+run an experiment as a federation server/m);
    expect(stdout).toContain('$ fedtune serve exp.json --listen 0.0.0.0:8080 --tokens tokens.json --out results/served');
  });
});
