import { describe, expect, it } from 'vitest';
import { parseSeedList } from '../src/seedList.js';
import { seedParallelism } from '../src/seedParallelism.js';

describe('parseSeedList (--seeds)', () => {
  it('reads lists, ranges and mixes in the order given', () => {
    expect(parseSeedList('1,2,3')).toEqual([1, 2, 3]);
    expect(parseSeedList('1-5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeedList(' 7, 1-3 ')).toEqual([7, 1, 2, 3]);
    expect(parseSeedList('4294967295')).toEqual([4294967295]);
  });

  it('refuses duplicates, backward ranges, out-of-range and malformed seeds, naming the part at fault', () => {
    expect(() => parseSeedList('1-3,2')).toThrow('seed 2 is listed twice in "1-3,2"; give each seed once.');
    expect(() => parseSeedList('5-1')).toThrow('the range "5-1" runs backwards; write it as 1-5.');
    expect(() => parseSeedList('1,4294967296')).toThrow('"4294967296" in "1,4294967296" is not one');
    expect(() => parseSeedList('1,-2')).toThrow('"-2" in "1,-2" is not one');
    expect(() => parseSeedList('1,,2')).toThrow('"" in "1,,2" is not one');
    expect(() => parseSeedList('a-b')).toThrow('expected seeds as whole numbers from 0 to 4294967295');
    expect(() => parseSeedList('0-1000')).toThrow('"0-1000" lists more than 1000 seeds; run fewer at a time.');
  });
});

describe('seedParallelism', () => {
  it('runs as many seeds at once as the cores hold, sharing the cores out as workers', () => {
    expect(seedParallelism(3, 8, undefined, undefined)).toEqual({ parallel: 3, workersPerSeed: 2 });
    expect(seedParallelism(10, 8, undefined, undefined)).toEqual({ parallel: 8, workersPerSeed: 1 });
    expect(seedParallelism(10, 8, undefined, 3)).toEqual({ parallel: 2, workersPerSeed: 3 });
    expect(seedParallelism(10, 2, undefined, 4)).toEqual({ parallel: 1, workersPerSeed: 4 });
  });

  it('takes --parallel as given, never past the seed count', () => {
    expect(seedParallelism(5, 8, 1, undefined)).toEqual({ parallel: 1, workersPerSeed: 8 });
    expect(seedParallelism(2, 8, 6, 1)).toEqual({ parallel: 2, workersPerSeed: 1 });
  });
});
