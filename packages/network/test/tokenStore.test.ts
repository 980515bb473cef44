import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateClientTokens, TokenStore, writeTokensFile } from '../src/index.js';

const crypto = vi.hoisted(() => ({ comparisons: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return {
    ...original,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      crypto.comparisons++;
      return original.timingSafeEqual(a, b);
    },
  };
});

const folder = mkdtempSync(join(tmpdir(), 'fedtune-token-store-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const secrets = generateClientTokens(4);
const secretOf = (id: number) => secrets.get(id) as string;

describe('TokenStore', () => {
  beforeEach(() => {
    crypto.comparisons = 0;
  });

  it('admits each client id with its own secret only', () => {
    const store = TokenStore.fromSecrets(secrets);
    for (const id of [0, 1, 2, 3]) {
      expect(store.verify(id, secretOf(id))).toBe(true);
      // Another client's secret does not admit this id: a client cannot speak for another.
      expect(store.verify(id, secretOf((id + 1) % 4))).toBe(false);
    }
  });

  it('refuses a near miss, a secret of another length, an empty or non-string one', () => {
    const store = TokenStore.fromSecrets(secrets);
    const secret = secretOf(0);
    const lastFlipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    for (const guess of [lastFlipped, secret.slice(0, -1), `${secret}x`, '', secret.toUpperCase()]) {
      expect(store.verify(0, guess)).toBe(false);
    }
    for (const guess of [undefined, null, 42, Buffer.from(secret)]) {
      expect(store.verify(0, guess as unknown as string)).toBe(false);
    }
  });

  it('refuses an id without a token, with any secret, and still compares digests in constant time', () => {
    const store = TokenStore.fromSecrets(secrets);
    for (const id of [4, -1, 1.5, Number.NaN]) expect(store.verify(id, secretOf(0))).toBe(false);
    expect(crypto.comparisons).toBe(4);
    store.verify(0, secretOf(0));
    expect(crypto.comparisons).toBe(5);
  });

  it('keeps no secret in memory, only digests', () => {
    const store = TokenStore.fromSecrets(secrets);
    const dump = inspect(store, { showHidden: true, depth: Number.POSITIVE_INFINITY, maxArrayLength: null });
    for (const secret of secrets.values()) {
      expect(dump).not.toContain(secret);
      // A Buffer holding the secret's bytes would show them as spaced hex.
      const bytes = [...Buffer.from(secret).subarray(0, 8)].map((byte) => byte.toString(16).padStart(2, '0'));
      expect(dump).not.toContain(bytes.join(' '));
    }
  });

  it("says which client ids of an experiment have no token", () => {
    const store = TokenStore.fromSecrets(
      new Map([
        [0, 'a'],
        [2, 'b'],
        [7, 'c'],
      ]),
    );
    expect(store.size).toBe(3);
    expect(store.covers(1)).toEqual({ complete: true, missing: [] });
    expect(store.covers(5)).toEqual({ complete: false, missing: [1, 3, 4] });
    expect(store.covers(8).missing).toEqual([1, 3, 4, 5, 6]);
    expect(TokenStore.fromSecrets(secrets).covers(4)).toEqual({ complete: true, missing: [] });
  });

  it('reads a file written by writeTokensFile', () => {
    const path = join(folder, 'tokens.json');
    writeTokensFile(path, secrets);
    const store = TokenStore.fromFile(path);
    expect(store.size).toBe(4);
    expect(store.verify(3, secretOf(3))).toBe(true);
    expect(store.verify(3, secretOf(2))).toBe(false);
  });
});
