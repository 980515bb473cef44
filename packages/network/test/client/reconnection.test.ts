import { ConfigError, FedtuneError } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import { ConnectionLost } from '../../src/client/connectionLost.js';
import { Reconnection } from '../../src/client/reconnect.js';
import { JoinRefused } from '../../src/client/refusal.js';

const lost = new ConnectionLost('the connection closed');

describe('Reconnection', () => {
  it('waits twice as long after each lost try, up to the longest wait, and gives up after the tries', () => {
    const reconnection = new Reconnection({ attempts: 5, firstDelayMs: 100, maxDelayMs: 500 });
    const delays = Array.from({ length: 5 }, () => reconnection.next(lost)?.delayMs);
    expect(delays).toEqual([100, 200, 400, 500, 500]);
    expect(reconnection.next(lost)).toBeUndefined();
  });

  it('counts from the first try again once welcomed', () => {
    const reconnection = new Reconnection({ attempts: 2, firstDelayMs: 10 });
    reconnection.next(lost);
    reconnection.next(lost);
    reconnection.joined();
    expect(reconnection.next(lost)).toEqual({ delayMs: 10, attempt: 1, attempts: 2 });
  });

  it('tries again after refusals that pass, never after other errors', () => {
    const reconnection = new Reconnection({});
    expect(reconnection.next(new JoinRefused('duplicate-client', 'held'))).toBeDefined();
    expect(reconnection.next(new JoinRefused('rate-limited', 'wait'))).toBeDefined();
    expect(reconnection.next(new JoinRefused('bad-token', 'no'))).toBeUndefined();
    expect(reconnection.next(new FedtuneError('training failed'))).toBeUndefined();
    expect(reconnection.next(new ConfigError('bad option'))).toBeUndefined();
  });
});
