import type { ClientMemory } from '../contracts/memory.js';

type Value = Float32Array | number;

/**
 * The memory scope of a component for one adapter slot: slot 0 is the component itself, so
 * single-task runs keep the plain names; further slots get their own scope.
 */
export function slotComponent(component: string, slot: number): string {
  return slot === 0 ? component : `${component}@${slot}`;
}

/**
 * Holds every component's per-client memory for one side of the wire. Scopes are kept apart so a
 * compressor and a selector of the same client never see each other's keys, and so the client and
 * server sides stay separate as they would across processes.
 */
export class MemoryStore {
  private readonly scopes = new Map<string, Map<string, Value>>();

  /** The memory of `component` (e.g. `compressor`) for one client. */
  of(component: string, clientId: number): ClientMemory {
    const scopeKey = `${component}#${clientId}`;
    const scopes = this.scopes;
    const scope = (): Map<string, Value> => {
      let found = scopes.get(scopeKey);
      if (!found) {
        found = new Map();
        scopes.set(scopeKey, found);
      }
      return found;
    };
    return {
      get: (key) => scopes.get(scopeKey)?.get(key),
      set: (key, value) => void scope().set(key, value),
      delete: (key) => void scopes.get(scopeKey)?.delete(key),
    };
  }

  /** Every stored value as (scope, key, value), for checkpoints. */
  *entries(): IterableIterator<[scope: string, key: string, value: Value]> {
    for (const [scopeKey, scope] of this.scopes) {
      for (const [key, value] of scope) yield [scopeKey, key, value];
    }
  }

  /** A store holding `entries` (as {@link entries} listed them), for resuming from a checkpoint. */
  static fromEntries(entries: Iterable<readonly [scope: string, key: string, value: Value]>): MemoryStore {
    const store = new MemoryStore();
    for (const [scopeKey, key, value] of entries) {
      let scope = store.scopes.get(scopeKey);
      if (!scope) {
        scope = new Map();
        store.scopes.set(scopeKey, scope);
      }
      scope.set(key, value);
    }
    return store;
  }

  /** Bytes held, counting Float32Array payloads and 8 bytes per number. */
  byteSize(): number {
    let bytes = 0;
    for (const scope of this.scopes.values()) {
      for (const value of scope.values()) bytes += typeof value === 'number' ? 8 : value.byteLength;
    }
    return bytes;
  }
}
