import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLedger, slotCounts, smallExperiment, startServer, temporaryFolder } from './support/federationFixture.js';
import { answerUntilFinish, ScriptedClient } from './support/scriptedClient.js';

const folder = temporaryFolder('server-tls');
afterAll(() => folder.remove());

const openssl = spawnSync('openssl', ['version']).status === 0;

/** A self-signed certificate for localhost, made now with openssl (node has no certificate generator). */
function selfSignedCertificate(): { cert: Buffer; key: Buffer } {
  const cert = join(folder.path, 'cert.pem');
  const key = join(folder.path, 'key.pem');
  execFileSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
    ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ...['-keyout', key, '-out', cert],
  ], { stdio: 'ignore' });
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

describe.skipIf(!openssl)('TLS (skipped: openssl, which makes the test certificate, is not installed)', () => {
  it('serves wss:// with the given certificate: a client that trusts it takes part, one that does not is turned away', async () => {
    const tls = selfSignedCertificate();
    const { server, tokenOf, outDir } = await startServer(folder.path, { experiment: smallExperiment(1), tls });
    expect(server.url).toBe(`wss://127.0.0.1:${server.port}`);

    await expect(ScriptedClient.connect(server.url)).rejects.toThrow(/self-signed certificate/);
    await expect(ScriptedClient.connect(server.url.replace('wss:', 'ws:'))).rejects.toThrow();

    const client = await ScriptedClient.joined(server.url, [0], tokenOf, { ca: tls.cert });
    await client.next('welcome');
    expect(await answerUntilFinish(client)).toHaveLength(2);
    await server.summaries;
    expect(slotCounts(readLedger(outDir))).toEqual([
      { participants: 1, uploaded: 1, skipped: 0, lost: 0, rejected: 0 },
      { participants: 1, uploaded: 1, skipped: 0, lost: 0, rejected: 0 },
    ]);
  });
});
