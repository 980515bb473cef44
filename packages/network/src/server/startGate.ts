import type { ConnectionRegistry } from './connectionRegistry.js';

/** When round 0 may start. */
export interface StartRule {
  /** Every client id of the experiment: joined, they start round 0 at once. */
  numClients: number;
  /** Start with this many once `startTimeoutMs` has passed, rather than waiting for all. */
  minClients?: number | undefined;
  /** Milliseconds from now after which `minClients` suffice; default 0. */
  startTimeoutMs?: number | undefined;
}

/**
 * Settles once the clients to start with have joined: all of them, or — with `minClients` — that
 * many once `startTimeoutMs` has passed. Rejects with the signal's reason when it aborts first.
 */
export function clientsGathered(registry: ConnectionRegistry, rule: StartRule, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const { numClients, minClients } = rule;
    let waited = false;
    const check = () => {
      const held = registry.heldCount;
      if (held >= numClients || (waited && minClients !== undefined && held >= minClients)) settle(resolve);
    };
    const timer =
      minClients === undefined
        ? undefined
        : setTimeout(() => {
            waited = true;
            check();
          }, rule.startTimeoutMs ?? 0);
    const unsubscribe = registry.onChange(check);
    const abort = () => settle(() => reject(signal.reason));
    signal.addEventListener('abort', abort, { once: true });
    function settle(then: () => void): void {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', abort);
      then();
    }
    if (signal.aborted) abort();
    else check();
  });
}
