import { describe, expect, it } from 'vitest';
import { reviveError, serialiseError } from '../../../src/engine/training/remoteError.js';
import { DataError, FedtuneError, fedtuneErrorKind, NonFiniteError, PayloadError, PluginError } from '../../../src/errors.js';
import { loadErrorsCopy } from '../../errorsCopy.js';

const copy = await loadErrorsCopy();

const roundTrip = (error: unknown) => reviveError(structuredClone(serialiseError(error)));

describe('errors across a thread boundary', () => {
  it('come back as the same fedtune class with the same message', () => {
    for (const ErrorClass of [NonFiniteError, PluginError, DataError, FedtuneError]) {
      const revived = roundTrip(new ErrorClass('what went wrong; how to fix it'));
      expect(revived).toBeInstanceOf(ErrorClass);
      expect(revived.name).toBe(ErrorClass.name);
      expect(revived.message).toBe('what went wrong; how to fix it');
    }
  });

  it('come back by kind, keeping their name, when thrown by a plugin subclass or another copy of core', () => {
    class DivergedError extends NonFiniteError {}
    const subclass = roundTrip(new DivergedError('loss is NaN'));
    expect(subclass).toBeInstanceOf(NonFiniteError);
    expect(subclass.name).toBe('DivergedError');
    const foreign = roundTrip(new copy.PayloadError('truncated'));
    expect(foreign).toBeInstanceOf(PayloadError);
    expect(fedtuneErrorKind(foreign)).toBe('PayloadError');
    const newer = reviveError({ name: 'QuotaError', message: 'over quota', kind: 'QuotaError' });
    expect(newer).toBeInstanceOf(FedtuneError);
    expect(newer.name).toBe('QuotaError');
  });

  it('keep the name and message of other errors, and the stack where they were thrown', () => {
    const original = new RangeError('out of range');
    const revived = roundTrip(original);
    expect(revived).not.toBeInstanceOf(FedtuneError);
    expect(revived.name).toBe('RangeError');
    expect(revived.message).toBe('out of range');
    expect(revived.stack).toBe(original.stack);
  });

  it('turn a thrown non-error into an Error with its text, and never revive an inherited name', () => {
    expect(roundTrip('plain string').message).toBe('plain string');
    const revived = reviveError({ name: 'constructor', message: 'odd' });
    expect(revived.name).toBe('constructor');
    expect(revived).not.toBeInstanceOf(FedtuneError);
  });
});
