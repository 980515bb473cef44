import { describe, expect, it } from 'vitest';
import { formatSha256Sums, parseSha256Sums, sha256Hex } from '../../src/data/checksums.js';
import { DataError } from '../../src/errors.js';

describe('checksum lists', () => {
  it('hashes as sha256sum does', () => {
    // sha256("abc"), the FIPS 180-2 test vector
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('formats and parses the text and binary forms', () => {
    const a = 'a'.repeat(64);
    const b = 'B'.repeat(64);
    expect(formatSha256Sums([['x.gz', a]])).toBe(`${a}  x.gz\n`);
    const parsed = parseSha256Sums(`${a}  x.gz\n${b} *dir/y z\n\n`, 'SUMS');
    expect([...parsed]).toEqual([
      ['x.gz', a],
      ['dir/y z', 'b'.repeat(64)],
    ]);
  });

  it('names the list and the line that is not in sha256sum format', () => {
    expect(() => parseSha256Sums(`${'0'.repeat(64)}  ok\nnot a checksum\n`, 'SUMS')).toThrow(DataError);
    expect(() => parseSha256Sums(`${'0'.repeat(63)}  short\n`, 'SUMS')).toThrow(/^SUMS:1: /);
  });
});
