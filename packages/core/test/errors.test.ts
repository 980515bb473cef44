import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';
import { ConfigError, FedtuneError, fedtuneErrorKind, isFedtuneError, NonFiniteError, PayloadError } from '../src/errors.js';
import { loadErrorsCopy } from './errorsCopy.js';

const copy = await loadErrorsCopy();

describe('fedtune errors', () => {
  it('carry their kind, which subclasses (a plugin’s own errors) inherit', () => {
    class DivergedError extends NonFiniteError {}
    const diverged = new DivergedError('loss is NaN');
    expect(diverged.name).toBe('DivergedError');
    expect(fedtuneErrorKind(diverged)).toBe('NonFiniteError');
    expect(isFedtuneError(diverged, 'NonFiniteError')).toBe(true);
    expect(isFedtuneError(diverged)).toBe(true);
    expect(isFedtuneError(diverged, 'PayloadError')).toBe(false);
    expect(fedtuneErrorKind(new FedtuneError('x'))).toBe('FedtuneError');
  });

  it('are recognised by kind when thrown by another copy of core, where instanceof fails', () => {
    const foreign = new copy.PayloadError('payload truncated');
    expect(copy.PayloadError).not.toBe(PayloadError);
    expect(foreign).not.toBeInstanceOf(PayloadError);
    expect(foreign).not.toBeInstanceOf(FedtuneError);
    expect(isFedtuneError(foreign, 'PayloadError')).toBe(true);
    expect(isFedtuneError(foreign)).toBe(true);
    expect(isFedtuneError(foreign, 'ConfigError')).toBe(false);
    expect(copy.isFedtuneError(new ConfigError('x'), 'ConfigError')).toBe(true);
  });

  it('are told apart from other errors and non-errors', () => {
    for (const other of [new Error('x'), new RangeError('x'), 'PayloadError', null, undefined, { kind: 'PayloadError' }]) {
      expect(isFedtuneError(other)).toBe(false);
      expect(fedtuneErrorKind(other)).toBeUndefined();
    }
  });

  it('count a kind a newer core adds as a fedtune error, of no kind this core knows', () => {
    const newer = Object.assign(new Error('x'), { [errors.FEDTUNE_ERROR_KIND]: 'QuotaError' });
    expect(isFedtuneError(newer)).toBe(true);
    expect(isFedtuneError(newer, 'ConfigError')).toBe(false);
  });

  it('have one kind per class, named like the class', () => {
    const classes = Object.values(errors).filter(
      (value): value is typeof FedtuneError => typeof value === 'function' && value.prototype instanceof Error,
    );
    expect(classes.map((errorClass) => errorClass.kind).sort()).toEqual([...errors.FEDTUNE_ERROR_KINDS].sort());
    for (const errorClass of classes) expect(errorClass.kind).toBe(errorClass.name);
  });
});
