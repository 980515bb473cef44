import { describe, expect, it } from 'vitest';
import { isFedtuneError } from '@fedtune/core';
import { MAX_LISTED_CLIENT_IDS, parseClientIdList } from '../../src/index.js';

describe('parseClientIdList', () => {
  it.each([
    ['7', [7]],
    ['0,2,5-7', [0, 2, 5, 6, 7]],
    ['9,3-4,0', [0, 3, 4, 9]],
    ['4-4', [4]],
    ['4294967295', [4294967295]],
  ])('reads %s', (text, ids) => {
    expect(parseClientIdList(text)).toEqual(ids);
  });

  it.each([
    ['3-1', /the range 3-1 runs backwards; write 1-3/],
    ['a', /"a" is not a client id \(a whole number\) or a range A-B; write ids and ranges separated by commas, e\.g\. 0,2,5-7/],
    ['', /an empty entry/],
    ['0,,2', /an empty entry/],
    ['1,', /an empty entry/],
    ['-1', /"-1" is not a client id/],
    ['1.5', /"1\.5" is not a client id/],
    ['01', /"01" is not a client id/],
    [' 1', /" 1" is not a client id/],
    ['1-2-3', /"1-2-3" is not a client id/],
    ['2,0-3', /client 2 is listed twice/],
    ['4294967296', /4294967296 is over the largest client id, 4294967295/],
    ['99999999999999999999-1', /99999999999999999999 is over the largest client id/],
    [`0-${MAX_LISTED_CLIENT_IDS}`, /names more than 1000000 client ids/],
  ])('refuses %j, saying what is wrong', (text, expected) => {
    let thrown: unknown;
    try {
      parseClientIdList(text);
    } catch (error) {
      thrown = error;
    }
    expect(isFedtuneError(thrown, 'ConfigError')).toBe(true);
    expect((thrown as Error).message).toMatch(expected);
  });
});
