import { describe, expect, it } from 'vitest';
import type { ClientRoundEvent } from '../../src/client/session.js';
import { credentialsFromFragment, withRound, type ClientPageState } from '../../src/page/pageState.js';

describe('the client page state', () => {
  it('reads the client id and the secret from the URL fragment, decoded', () => {
    expect(credentialsFromFragment('#client=3&token=a%2Bb%3D%26c')).toEqual({ client: '3', token: 'a+b=&c' });
    expect(credentialsFromFragment('token=s&client=0')).toEqual({ client: '0', token: 's' });
  });

  it('gives no credentials when either is missing or empty', () => {
    for (const hash of ['', '#', '#client=3', '#token=s', '#client=&token=s', '#client=3&token=']) {
      expect(credentialsFromFragment(hash), hash).toBeUndefined();
    }
  });

  it('adds each round to what was sent and keeps the latest round', () => {
    const round = (index: number, payloadBytes: number): ClientRoundEvent => ({
      runIndex: 0,
      label: 'lora',
      round: index,
      rounds: 3,
      uploads: 1,
      payloadBytes,
      frameBytes: payloadBytes + 43,
    });
    const start: ClientPageState = { phase: 'playing', sent: { uploads: 0, payloadBytes: 0, frameBytes: 0 }, log: [] };
    const after = withRound(withRound(start, round(0, 500)), round(1, 120));
    expect(after.sent).toEqual({ uploads: 2, payloadBytes: 620, frameBytes: 706 });
    expect(after.lastRound?.round).toBe(1);
    expect(start.sent.uploads).toBe(0);
  });
});
