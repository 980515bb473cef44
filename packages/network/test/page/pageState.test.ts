import { describe, expect, it } from 'vitest';
import type { ClientRoundEvent } from '../../src/client/session.js';
import { isFedtuneError } from '@fedtune/core';
import { joinRequestFromFragment, trainingChoice, withRound, type ClientPageState } from '../../src/page/pageState.js';

describe('the client page state', () => {
  it('reads the client id, the secret and where to train from the URL fragment, decoded', () => {
    expect(joinRequestFromFragment('#client=3&token=a%2Bb%3D%26c')).toEqual({ client: '3', token: 'a+b=&c', tf: 'experiment' });
    expect(joinRequestFromFragment('token=s&client=0&tf=webgpu')).toEqual({ client: '0', token: 's', tf: 'webgpu' });
  });

  it("takes tf=webgpu, tf=webgl or the experiment's backend, and refuses anything else naming the choices", () => {
    expect(trainingChoice('webgpu')).toBe('webgpu');
    expect(trainingChoice('webgl')).toBe('webgl');
    expect(trainingChoice('experiment')).toBe('experiment');
    const refused = (() => {
      try {
        return trainingChoice('gpu');
      } catch (error) {
        return error;
      }
    })();
    expect(isFedtuneError(refused, 'ConfigError')).toBe(true);
    expect((refused as Error).message).toMatch(/tf=gpu is not a way to train; use tf=webgpu or tf=webgl/);
  });

  it('gives no credentials when either is missing or empty', () => {
    for (const hash of ['', '#', '#client=3', '#token=s', '#client=&token=s', '#client=3&token=']) {
      expect(joinRequestFromFragment(hash), hash).toBeUndefined();
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
