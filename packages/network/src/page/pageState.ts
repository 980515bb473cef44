import { ConfigError } from '@fedtune/core';
import { GPU_TF_BACKENDS } from '../browser/gpuTraining.js';
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

/** What a page joins with: a client id, its secret, and where the tab trains. */
export interface JoinRequest {
  client: string;
  token: string;
  /** `experiment` (the experiment's tfjs backend, the default), or `webgpu` or `webgl` (this tab's GPU). */
  tf: string;
}

/** The values `tf` may take. */
export const TRAINING_CHOICES = ['experiment', ...GPU_TF_BACKENDS] as const;

/**
 * What a page joins with, from its URL fragment `#client=ID&token=SECRET[&tf=webgpu|webgl]` (a fragment
 * never reaches the server in an HTTP request, nor its logs); undefined when the id or the secret
 * is absent.
 */
export function joinRequestFromFragment(hash: string): JoinRequest | undefined {
  const fields = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const client = fields.get('client');
  const token = fields.get('token');
  if (client === null || token === null || client === '' || token === '') return undefined;
  return { client, token, tf: fields.get('tf') ?? 'experiment' };
}

/**
 * Where the tab trains.
 * @throws ConfigError for any `tf` but {@link TRAINING_CHOICES}.
 */
export function trainingChoice(tf: string): (typeof TRAINING_CHOICES)[number] {
  const choice = TRAINING_CHOICES.find((allowed) => allowed === tf);
  if (choice === undefined) {
    throw new ConfigError(`tf=${tf} is not a way to train; use tf=webgpu or tf=webgl (this tab's GPU) or leave it out (the experiment's backend)`);
  }
  return choice;
}
