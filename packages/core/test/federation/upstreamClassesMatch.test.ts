import { describe, expect, it } from 'vitest';
import { isFedtuneError } from '../../src/errors.js';
import { assertUpstreamClassesMatchBase } from '../../src/federation/upstreamClassesMatch.js';

const base = (upstreamClasses?: string): { metadata: Record<string, string> } => ({
  metadata: upstreamClasses === undefined ? {} : { upstreamClasses },
});

describe('data.upstreamClasses against the classes the base was pre-trained on', () => {
  it('refuses other classes, naming both lists and both fixes', () => {
    let thrown: unknown;
    try {
      assertUpstreamClassesMatchBase([9, 5, 6, 7, 8], base('[0,1,2,3,4]'), 'data/base/fashion-mnist-mlp.safetensors');
    } catch (error) {
      thrown = error;
    }
    expect(isFedtuneError(thrown, 'ConfigError')).toBe(true);
    expect((thrown as Error).message).toBe(
      'data.upstreamClasses [5, 6, 7, 8, 9] are not the classes the base data/base/fashion-mnist-mlp.safetensors was ' +
        'pre-trained on, [0, 1, 2, 3, 4]: set data.upstreamClasses to [0, 1, 2, 3, 4], or pre-train a base on those ' +
        'classes (fedtune pretrain --upstream-classes 5,6,7,8,9 --out base.safetensors) and name it in model.base.',
    );
    expect(() => assertUpstreamClassesMatchBase([0, 1, 2, 3], base('[0,1,2,3,4]'), 'b')).toThrow(/are not the classes/);
  });

  it('accepts the same classes in any order, and a base that records none', () => {
    expect(() => assertUpstreamClassesMatchBase([4, 3, 2, 1, 0], base('[0,1,2,3,4]'), 'b')).not.toThrow();
    expect(() => assertUpstreamClassesMatchBase([5], base(), 'b')).not.toThrow();
    expect(() => assertUpstreamClassesMatchBase([5], base('not json'), 'b')).not.toThrow();
  });
});
