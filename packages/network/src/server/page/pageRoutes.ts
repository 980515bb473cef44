import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import { checkSourceName, isFedtuneError } from '@fedtune/core';
import { PAGE_SCRIPT } from './clientPageBundle.js';
import { clientPageHtml } from './clientPageHtml.js';

/** The tfjs wasm backend's binaries, the only files under `/tfjs-wasm/`. */
const WASM_FILES = new Set(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']);

/** One of the page's scripts, and its gzip encoding for browsers that accept it. */
export interface PageScript {
  text: string;
  gzip: Uint8Array;
}

/** What the client page's routes serve. */
export interface ClientPageFiles {
  experimentName: string;
  /** The page's scripts by path (the entry and its chunks), bundled on first request and kept. */
  scripts: () => Promise<ReadonlyMap<string, PageScript>>;
  /** Folder served under `/data/`: fedtune's data folder (embedded images, base models). */
  dataDir: () => string;
  /** Folder holding the tfjs wasm binaries. */
  wasmDir: string;
  /** Where a failure to build or read is reported (the server's log). */
  log: (line: string) => void;
}

/** Headers every answer carries: nothing cached, sniffed or framed, no referrer sent on. */
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * Answers the HTTP requests a browser client makes: `/` (the page), `/fedtune-client.js` and
 * `/chunks/NAME` (its scripts), `/data/NAME` (files of the data folder, for the client's own split) and
 * `/tfjs-wasm/NAME` (tfjs's wasm binaries). Anything else is 404, any method but GET and HEAD 405;
 * no name leaves the data folder. Nothing served is secret: the secrets stay in the page's fragment.
 */
export async function answerPageRequest(request: IncomingMessage, response: ServerResponse, files: ClientPageFiles): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'text/plain; charset=utf-8', 'only GET and HEAD are served\n', { allow: 'GET, HEAD' });
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url ?? '/', 'http://fedtune.invalid').pathname);
  } catch {
    send(response, 400, 'text/plain; charset=utf-8', 'malformed path\n');
    return;
  }
  try {
    if (path === '/' || path === '/index.html') {
      send(response, 200, 'text/html; charset=utf-8', clientPageHtml(files.experimentName));
    } else if (path === `/${PAGE_SCRIPT}` || path.startsWith('/chunks/')) {
      const script = (await files.scripts()).get(path.slice(1));
      if (script === undefined) notFound(response);
      else if (acceptsGzip(request)) send(response, 200, 'text/javascript; charset=utf-8', script.gzip, { 'content-encoding': 'gzip', vary: 'accept-encoding' });
      else send(response, 200, 'text/javascript; charset=utf-8', script.text, { vary: 'accept-encoding' });
    } else if (path.startsWith('/data/')) {
      const file = await fileInside(files.dataDir(), path.slice('/data/'.length));
      if (file === undefined) notFound(response);
      else send(response, 200, 'application/octet-stream', await readFile(file));
    } else if (path.startsWith('/tfjs-wasm/') && WASM_FILES.has(path.slice('/tfjs-wasm/'.length))) {
      send(response, 200, 'application/wasm', await readFile(join(files.wasmDir, path.slice('/tfjs-wasm/'.length))));
    } else {
      notFound(response);
    }
  } catch (error) {
    const reason = isFedtuneError(error) ? error.message : String(error);
    files.log(`the client page could not serve ${path}: ${reason}`);
    send(response, 500, 'text/plain; charset=utf-8', `fedtune serve could not serve ${path}; see the server's log\n`);
  }
}

/** The file `name` names inside `folder`, following links only as far as they stay inside; undefined otherwise. */
async function fileInside(folder: string, name: string): Promise<string | undefined> {
  try {
    checkSourceName(name);
    const [root, file] = await Promise.all([realpath(folder), realpath(join(folder, ...name.split('/')))]);
    return file.startsWith(root + sep) && (await stat(file)).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the request's `accept-encoding` takes gzip (a quality of 0 refuses it). */
function acceptsGzip(request: IncomingMessage): boolean {
  const accepted = String(request.headers['accept-encoding'] ?? '').toLowerCase();
  return accepted.split(',').some((entry) => {
    const [coding = '', ...parameters] = entry.split(';').map((part) => part.trim());
    const quality = parameters.find((parameter) => parameter.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (quality === undefined || Number(quality.slice(2)) > 0);
  });
}

function notFound(response: ServerResponse): void {
  send(response, 404, 'text/plain; charset=utf-8', 'not found: the page is at /\n');
}

function send(response: ServerResponse, status: number, type: string, body: string | Uint8Array, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...COMMON_HEADERS, ...extra, 'content-type': type, 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength) });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
