import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findDataDir } from '@fedtune/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallExperiment, startServer, temporaryFolder, type StartedServer } from './support/federationFixture.js';

const folder = temporaryFolder('page-routes');
let started: StartedServer;
let base: string;

beforeAll(async () => {
  started = await startServer(folder.path, { experiment: smallExperiment(2, { name: 'routes <script>' }) });
  base = started.server.url.replace('ws:', 'http:');
});
afterAll(async () => {
  await started.server.stop();
  folder.remove();
});

const get = (path: string, init?: RequestInit) => fetch(`${base}${path}`, init);

describe("the server's client page routes", () => {
  it('serves the page at /, naming the experiment escaped, with the form and the script', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toContain('routes &#60;script&#62;');
    expect(html).not.toContain('routes <script>');
    expect(html).toContain('<form id="join-form"');
    expect(html).toContain('<script type="module" src="fedtune-client.js">');
  });

  it("serves the data folder's files byte for byte, and nothing outside it", async () => {
    const response = await get('/data/fashion-mnist/SHA256SUMS');
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array(readFileSync(join(findDataDir(), 'fashion-mnist', 'SHA256SUMS'))));
    for (const path of ['/data/../package.json', '/data/%2e%2e/README.md', '/data/fashion-mnist', '/data/', '/data/fashion-mnist//SHA256SUMS', '/data/no-such-file']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it("serves tfjs's wasm binaries as application/wasm, and only those", async () => {
    const response = await get('/tfjs-wasm/tfjs-backend-wasm-simd.wasm');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/wasm');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
    expect((await get('/tfjs-wasm/package.json')).status).toBe(404);
  });

  it('answers other paths 404, other methods 405 and a malformed path 400', async () => {
    expect((await get('/etc/passwd')).status).toBe(404);
    expect((await get('/', { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await get('/%E0%A4%A')).status).toBe(400);
    const head = await get('/');
    expect(head.status).toBe(200);
  });

  it('bundles the client script for browsers on the first request', async () => {
    const response = await get('/fedtune-client.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // Sent gzipped to a client that accepts it (fetch does, and decodes it), as it is to a client that does not.
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const script = await response.text();
    const plain = await get('/fedtune-client.js', { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(script);
    // The page's entry is in it, and what it loads only when asked is a chunk the server also serves.
    expect(script).toContain('client page has no element');
    const chunks = [...new Set(script.match(/chunks\/[\w-]+\.js/g) ?? [])];
    expect(chunks.length).toBeGreaterThan(0);
    const chunkTexts: string[] = [];
    for (const chunk of chunks) {
      const served = await get(`/${chunk}`);
      expect(served.status, chunk).toBe(200);
      expect(served.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      chunkTexts.push(await served.text());
    }
    // tfjs's WebGPU and WebGL backends (named by a flag each registers) are fetched only by a tab that trains on its GPU.
    for (const backendFlag of ['WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 'WEBGL_VERSION']) {
      expect(script).not.toContain(backendFlag);
      expect(chunkTexts.filter((text) => text.includes(backendFlag)), backendFlag).toHaveLength(1);
    }
    expect((await get('/chunks/no-such-chunk.js')).status).toBe(404);
    expect(started.log.some((line) => line.startsWith('client page built for browsers'))).toBe(true);
  }, 120_000);
});
