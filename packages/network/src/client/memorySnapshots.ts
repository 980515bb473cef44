import { MemoryStore } from '@fedtune/core';

/** How many snapshots a run keeps: the server's newest checkpoint, and the one before in case the newest was never written. */
const KEPT_SNAPSHOTS = 2;

/** A copy of `store` that later writes to either side do not reach. */
export function copyMemory(store: MemoryStore): MemoryStore {
  return MemoryStore.fromEntries(
    Array.from(store.entries(), ([scope, key, value]) => [scope, key, typeof value === 'number' ? value : value.slice()] as const),
  );
}

/**
 * A run's client memory as it stood at the server's checkpoints, by the round the checkpoint goes
 * on from. The server announces a checkpoint before it writes it, so a server killed in between
 * resumes from the previous one: the newest two are kept.
 */
export class MemorySnapshots {
  private readonly byRound = new Map<number, MemoryStore>();

  /** Keeps a copy of `memory` as the memory before round `nextRound`. */
  take(nextRound: number, memory: MemoryStore): void {
    this.byRound.set(nextRound, copyMemory(memory));
    const rounds = [...this.byRound.keys()].sort((a, b) => a - b);
    for (const old of rounds.slice(0, -KEPT_SNAPSHOTS)) this.byRound.delete(old);
  }

  /** Forgets snapshots after `round`: a run that goes back to `round` takes them again. */
  forgetAfter(round: number): void {
    for (const kept of [...this.byRound.keys()]) if (kept > round) this.byRound.delete(kept);
  }

  /** A fresh copy of the memory before round `round`, or undefined when none was kept. */
  before(round: number): MemoryStore | undefined {
    const snapshot = this.byRound.get(round);
    return snapshot === undefined ? undefined : copyMemory(snapshot);
  }
}
