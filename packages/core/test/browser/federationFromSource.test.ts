import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/data/checksums.js';
import { findDataDir } from '../../src/data/dataDir.js';
import { isFedtuneError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/parse.js';
import { prepareFederationFrom } from '../../src/federation/federationFromSource.js';
import { prepareFederation } from '../../src/federation/prepareFederation.js';
import type { Federation } from '../../src/federation/types.js';
import { fetchByteSource } from '../../src/io/fetchByteSource.js';
import { nodeByteSource } from '../../src/io/nodeByteSource.js';
import { hostFromFrozen } from '../../src/model/architectures/baseModel.js';
import { embeddedBasePath } from '../../src/model/formats/embeddedBase.js';

const experiment = parseExperiment({
  name: 'browser-federation',
  seed: 7,
  data: { numClients: 5, tasksPerClient: { min: 1, max: 2 }, tasks: [{ name: 'plain' }, { name: 'turned', rotate: 90 }], trainLimit: 400, testLimit: 120 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 1, localEpochs: 1, tfBackend: 'cpu' },
});

/** Serves fedtune's data folder over HTTP on loopback; `replace` swaps a file's bytes, as a damaged copy would. */
function serveDataFolder(replace: ReadonlyMap<string, Uint8Array> = new Map()): Promise<{ server: Server; url: string }> {
  const root = findDataDir();
  const server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).slice(1);
    const path = normalize(join(root, name));
    const replaced = replace.get(name);
    const body = replaced === undefined ? (path.startsWith(root + sep) ? readFile(path) : Promise.reject(new Error('outside'))) : Promise.resolve(replaced);
    body.then(
      (bytes) => response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes),
      () => response.writeHead(404).end(),
    );
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }));
  });
}

/** An array's length and the SHA-256 of its bytes: equal digests mean equal arrays, bit for bit, and compare fast. */
const bytesOf = (array: ArrayBufferView) => `${array.byteLength} bytes, ${sha256Hex(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))}`;

/** Every value two federations hold, as bytes where they are arrays, so equal means equal bit for bit. */
function contents(federation: Federation) {
  return {
    pool: { ...federation.pool, features: bytesOf(federation.pool.features), labels: bytesOf(federation.pool.labels) },
    tasks: federation.tasks.map((task) => ({
      ...task,
      test: { ...task.test, features: bytesOf(task.test.features), labels: bytesOf(task.test.labels) },
      testIndices: task.testIndices === undefined ? undefined : bytesOf(task.testIndices),
    })),
    clientTasks: federation.clientTasks,
    shares: [...federation.shares].map(([key, rows]) => [key, bytesOf(rows)]),
    base: {
      architecture: federation.base.architecture,
      inputSize: federation.base.inputSize,
      weights: [...hostFromFrozen(federation.base)].map(([name, { weight, bias }]) => [name, bytesOf(weight), bias && bytesOf(bias)]),
    },
    dataOrigin: federation.dataOrigin,
    tfBackend: federation.tfBackend,
  };
}

describe('a federation prepared from fetched files (browser clients)', () => {
  let served: { server: Server; url: string };
  let fromDisk: Federation;
  beforeAll(async () => {
    served = await serveDataFolder();
    fromDisk = await prepareFederation(experiment, tmpdir());
  });
  afterAll(() => {
    fromDisk?.base.dispose();
    served?.server.close();
  });

  it('equals the Node federation bit for bit when fetched over HTTP', async () => {
    const fetched = await prepareFederationFrom(experiment, fetchByteSource(served.url));
    try {
      expect(new Set([...fetched.shares.keys()].map((key) => key.split('/')[0]))).toEqual(new Set(['0', '1', '2', '3', '4']));
      expect(contents(fetched)).toEqual(contents(fromDisk));
      expect(fetched.basePath).toBe(`${served.url}base/fashion-mnist-mlp.safetensors`);
    } finally {
      fetched.base.dispose();
    }
  });

  it("equals it too when read from the data folder on disk, naming the Node federation's base file", async () => {
    const read = await prepareFederationFrom(experiment, nodeByteSource(findDataDir()));
    try {
      expect(contents(read)).toEqual(contents(fromDisk));
      expect(read.basePath).toBe(embeddedBasePath());
      expect(fromDisk.basePath).toBe(embeddedBasePath());
    } finally {
      read.base.dispose();
    }
  });

  it('refuses a damaged file by its checksum, naming its URL', async () => {
    const damaged = await serveDataFolder(new Map([['fashion-mnist/t10k-labels-idx1-ubyte.gz', Uint8Array.of(1, 2, 3)]]));
    try {
      const error = await prepareFederationFrom(experiment, fetchByteSource(damaged.url)).catch((caught: unknown) => caught);
      expect(isFedtuneError(error, 'DataError')).toBe(true);
      expect((error as Error).message).toContain(`${damaged.url}fashion-mnist/t10k-labels-idx1-ubyte.gz: SHA-256`);
    } finally {
      damaged.server.close();
    }
  });

  it('names the URL and the HTTP status of a file the server does not have', async () => {
    const missingBase = parseExperiment({ ...experiment, model: { ...experiment.model, base: 'base/none.safetensors' } });
    const error = await prepareFederationFrom(missingBase, fetchByteSource(served.url)).catch((caught: unknown) => caught);
    expect(isFedtuneError(error, 'DataError')).toBe(true);
    expect((error as Error).message).toBe(
      `${served.url}base/none.safetensors answered HTTP 404; check that the server serves base/none.safetensors under ${served.url}.`,
    );
  });

  it('refuses what a fetching client cannot read, naming the fix', async () => {
    const source = fetchByteSource(served.url);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ data: { ...experiment.data, source: 'system' } }, /data\.source "system" .* set data\.source to "embedded"/],
      [{ data: { dataset: 'fortunes-topic', numClients: 2 } }, /data\.dataset "fortunes-topic" .*\(fedtune join\)/],
      [{ data: { dataset: 'image-folder', path: 'images', numClients: 2 } }, /data\.dataset "image-folder" reads files from local folders .*\(fedtune join\)/],
      [{ model: { ...experiment.model, base: '../secret.safetensors' } }, /"\.\.\/secret\.safetensors" is not a file name inside a data folder/],
      [{ model: { ...experiment.model, base: '/etc/base.safetensors' } }, /"\/etc\/base\.safetensors" is not a file name inside a data folder/],
    ];
    for (const [change, message] of cases) {
      const error = await prepareFederationFrom(parseExperiment({ ...experiment, ...change }), source).catch((caught: unknown) => caught);
      expect(isFedtuneError(error, 'ConfigError'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});
