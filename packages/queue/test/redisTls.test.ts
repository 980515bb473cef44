import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueueWorker } from '../src/index.js';
import { startTestRedis, type TestRedis } from '../src/testing/index.js';
import { scratchFolder } from './support/smallExperiment.js';
import { startWorkerProcess } from './support/workerProcesses.js';

let redis: TestRedis;
let certFile: string;

beforeAll(async () => {
  const folder = scratchFolder();
  certFile = join(folder, 'cert.pem');
  const keyFile = join(folder, 'key.pem');
  // A self-signed certificate for localhost: trusted only where NODE_EXTRA_CA_CERTS names it.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  redis = await startTestRedis({ password: 'tls-secret', tls: { certFile, keyFile } });
});

afterAll(async () => {
  await redis?.stop();
});

describe('rediss:// (Redis over TLS)', () => {
  it('connects when the certificate is trusted, here through NODE_EXTRA_CA_CERTS', async () => {
    expect(redis.url).toMatch(/^rediss:\/\/:tls-secret@localhost:\d+$/);
    const worker = await startWorkerProcess(redis.url, 30_000, { NODE_EXTRA_CA_CERTS: certFile });
    await worker.stop();
  }, 180_000);

  it('refuses a certificate no trusted authority signed, naming the server', async () => {
    await expect(startQueueWorker({ url: redis.url })).rejects.toThrow(
      /Cannot use the Redis server at rediss:\/\/:\*\*\*@localhost:\d+: self[- ]signed certificate/,
    );
  });

  it('fails plainly when redis:// is used against a TLS-only server', async () => {
    const plain = redis.url.replace('rediss://', 'redis://');
    await expect(startQueueWorker({ url: plain })).rejects.toThrow(/Cannot use the Redis server at redis:\/\/:\*\*\*@localhost:\d+/);
  });
});
