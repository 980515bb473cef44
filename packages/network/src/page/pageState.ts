import type { ClientRoundEvent, FederationTotals } from '../client/session.js';

/** Where a client page stands, as its own view and automation (`globalThis.fedtuneClient`) read it. */
export interface ClientPageState {
  phase: 'waiting-for-token' | 'joining' | 'playing' | 'finished' | 'failed' | 'left';
  /** The client id this tab plays, once known. */
  clientId?: number;
  /** The latest round the server ended, with what this tab sent since the one before. */
  lastRound?: ClientRoundEvent;
  /** Sent so far, all runs together. */
  sent: { uploads: number; payloadBytes: number; frameBytes: number };
  /** Once finished: the server's finish and what this tab sent in all. */
  totals?: FederationTotals;
  /** Why the tab stopped playing, when it failed. */
  error?: string;
  /** The client's log, oldest first. */
  log: string[];
}

/** A page's state with one round added to what was sent. */
export function withRound(state: ClientPageState, event: ClientRoundEvent): ClientPageState {
  const { uploads, payloadBytes, frameBytes } = state.sent;
  return {
    ...state,
    lastRound: event,
    sent: { uploads: uploads + event.uploads, payloadBytes: payloadBytes + event.payloadBytes, frameBytes: frameBytes + event.frameBytes },
  };
}

/**
 * The client id and secret a page joins with, from its URL fragment `#client=ID&token=SECRET` (a
 * fragment never reaches the server in an HTTP request, nor its logs); undefined when either is absent.
 */
export function credentialsFromFragment(hash: string): { client: string; token: string } | undefined {
  const fields = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const client = fields.get('client');
  const token = fields.get('token');
  return client === null || token === null || client === '' || token === '' ? undefined : { client, token };
}
