import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionRegistry } from '../../src/index.js';
import type { ClientConnection } from '../../src/server/clientConnection.js';
import { clientsGathered } from '../../src/server/startGate.js';

/** A registered connection, as far as the start gate sees it: the client ids it holds. */
const holding = (...clientIds: number[]) => ({ clientIds }) as unknown as ClientConnection;

/** Whether `promise` has settled once pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('when round 0 starts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for every client id, however long that takes, without min clients', async () => {
    const registry = new ConnectionRegistry();
    const gathered = clientsGathered(registry, { numClients: 3 }, new AbortController().signal);
    registry.add(holding(0, 2));
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(await settled(gathered)).toBe(false);
    registry.add(holding(1));
    expect(await settled(gathered)).toBe(true);
  });

  it('starts with min clients only once the start timeout has passed, and at once when all are in', async () => {
    const registry = new ConnectionRegistry();
    const gathered = clientsGathered(registry, { numClients: 4, minClients: 2, startTimeoutMs: 1_000 }, new AbortController().signal);
    registry.add(holding(0));
    registry.add(holding(3));
    await vi.advanceTimersByTimeAsync(999);
    expect(await settled(gathered)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(gathered)).toBe(true);

    const early = new ConnectionRegistry();
    const allIn = clientsGathered(early, { numClients: 2, minClients: 1, startTimeoutMs: 1_000 }, new AbortController().signal);
    early.add(holding(0, 1));
    expect(await settled(allIn)).toBe(true);
  });

  it('after the start timeout, waits until min clients are in', async () => {
    const registry = new ConnectionRegistry();
    const gathered = clientsGathered(registry, { numClients: 4, minClients: 2, startTimeoutMs: 1_000 }, new AbortController().signal);
    const leaving = holding(0);
    registry.add(leaving);
    registry.add(holding(1));
    registry.remove(leaving);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await settled(gathered)).toBe(false);
    registry.add(holding(2));
    expect(await settled(gathered)).toBe(true);
  });

  it('gives up with the reason when the server stops first', async () => {
    const stop = new AbortController();
    const gathered = clientsGathered(new ConnectionRegistry(), { numClients: 2 }, stop.signal);
    stop.abort(new Error('stopped'));
    await expect(gathered).rejects.toThrow('stopped');
  });
});
