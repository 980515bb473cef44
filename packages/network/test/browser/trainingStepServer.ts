import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Experiment } from '@fedtune/core';
import { bundleClientPage } from '../../src/server/page/clientPageBundle.js';
import { clientPageFiles } from '../../src/server/page/clientPageFiles.js';
import { answerPageRequest } from '../../src/server/page/pageRoutes.js';

/** The page of {@link serveTrainingStepPage}: it exposes `globalThis.fedtuneTrainingStep`. */
const STEP_PAGE = fileURLToPath(new URL('./trainingStepPage.ts', import.meta.url));

/**
 * Serves the training-step page over loopback HTTP (a secure context, so WebGPU is offered) with the
 * client page's routes: the data folder, tfjs's wasm binaries, and the page bundled as `fedtune
 * serve` bundles its own, lazy GPU chunks and all.
 * @returns the page's URL and how to stop serving it.
 */
export async function serveTrainingStepPage(experiment: Experiment): Promise<{ url: string; close(): Promise<void> }> {
  const bundle = await bundleClientPage({ plugins: [], resolveFrom: fileURLToPath(new URL('.', import.meta.url)), page: STEP_PAGE });
  const scripts = new Map([...bundle].map(([path, text]) => [path, { text, gzip: gzipSync(text) }]));
  const files = {
    // A file it could not serve fails the page's fetch, and the test with it; the reason goes to stderr.
    ...clientPageFiles(experiment, '.', (line) => console.error(line)),
    scripts: () => Promise.resolve(scripts),
  };
  const server: Server = createServer((request, response) => void answerPageRequest(request, response, files));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}
