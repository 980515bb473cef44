import type { BrowserContext, Page } from 'playwright-core';

/** Where the page finds the WebGPU worker's script. */
export const WORKER_PATH = '/worker.js';

/** The origin the page is served from: localhost is a secure context, which WebGPU needs. */
const ORIGIN = 'http://localhost';

/**
 * The headers that make the page cross-origin isolated, so it and its workers have
 * SharedArrayBuffer; every response carries them (a worker's script needs its own).
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Opens a cross-origin isolated page at localhost that loads `scripts` (classic scripts, in
 * order), and serves `files` (path → JavaScript source) beside it. Playwright answers every
 * request itself: nothing listens on a port.
 */
export async function openIsolatedPage(
  context: BrowserContext,
  scripts: readonly string[],
  files: Readonly<Record<string, string>> = {}
): Promise<Page> {
  const scriptFiles = Object.fromEntries(scripts.map((source, index) => [`/script-${index}.js`, source]));
  const served: Record<string, string> = { ...scriptFiles, ...files };
  const html =
    '<!doctype html><title>fedtune gpujs</title>' +
    Object.keys(scriptFiles)
      .map((path) => `<script src="${path}"></script>`)
      .join('');
  await context.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const script = served[path];
    if (path === '/') return route.fulfill({ headers: ISOLATION_HEADERS, contentType: 'text/html', body: html });
    if (script === undefined) return route.fulfill({ status: 404, body: `${path} is not served` });
    return route.fulfill({ headers: ISOLATION_HEADERS, contentType: 'text/javascript', body: script });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${ORIGIN}/`);
  return page;
}
