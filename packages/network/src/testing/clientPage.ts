import type { ClientPageState } from '../page/pageState.js';

/** What the client page shows automation (`globalThis.fedtuneClient`) once it stops playing. */
export type ClientPageOutcome = Pick<ClientPageState, 'phase' | 'error' | 'sent' | 'log'>;

/** What {@link playClientPage} uses of a browser page: a subset of Playwright's `Page`. */
export interface AutomatedPage {
  on(event: 'pageerror', listener: (error: Error) => void): unknown;
  on(event: 'response', listener: (response: { ok(): boolean; status(): number; url(): string }) => void): unknown;
  goto(url: string): Promise<unknown>;
  waitForFunction(check: () => boolean, arg: undefined, options: { timeout: number }): Promise<unknown>;
  evaluate<T>(read: () => T): Promise<T>;
}

/**
 * Opens the client page of the server at `httpUrl` as `clientId`, its secret in the URL fragment
 * (`extra` adds to it, e.g. `&tf=webgl`), and waits until the page stops playing: finished, failed
 * or left. No clock: it waits for the page's state. A script error or a failed HTTP request of the
 * page rejects at once, naming it.
 */
export async function playClientPage(page: AutomatedPage, httpUrl: string, clientId: number, token: string, extra = ''): Promise<ClientPageOutcome> {
  const pageFailed = new Promise<never>((_resolve, reject) => {
    page.on('pageerror', (error) => reject(new Error(`the page of client ${clientId} threw: ${error.message}`)));
    page.on('response', (response) => {
      if (!response.ok()) reject(new Error(`the page of client ${clientId} got HTTP ${response.status()} for ${response.url()}`));
    });
  });
  // The functions run in the page, where the client keeps its state in globalThis.fedtuneClient.
  const stopped = page.goto(`${httpUrl}/#client=${clientId}&token=${encodeURIComponent(token)}${extra}`).then(() =>
    page.waitForFunction(
      () => ['finished', 'failed', 'left'].includes((globalThis as { fedtuneClient?: ClientPageOutcome }).fedtuneClient?.phase ?? ''),
      undefined,
      { timeout: 0 },
    ),
  );
  await Promise.race([stopped, pageFailed]);
  return page.evaluate(() => (globalThis as { fedtuneClient?: ClientPageOutcome }).fedtuneClient as ClientPageOutcome);
}
