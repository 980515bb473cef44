import { describe, expect, it } from 'vitest';
import type { RoundPoint } from '../src/analysis/roundSeries.js';
import { largest, smallest } from '../src/analysis/extremes.js';
import { participationSpec } from '../src/charts/participation.js';

/** Three runs of 50,000 rounds: more points together than `Math.max(...points)` can take as arguments. */
const ROUNDS = 50_000;

function point(round: number): RoundPoint {
  const statistic = { mean: 0, std: 0, n: 1 } as unknown as RoundPoint['uplinkBits'];
  return {
    round,
    testAccuracy: null,
    clusteringAccuracy: null,
    adapterMetrics: new Map(),
    fields: {},
    cumulativeUplinkBits: statistic,
    uplinkBits: statistic,
    arrived: 1,
    lost: 0,
    skipped: 0,
  };
}

describe('charts over long runs', () => {
  it('find the largest and smallest of more values than a spread call can take', () => {
    const values = Array.from({ length: 3 * ROUNDS }, (_, i) => ((i * 7919) % 100_003) - 50_000);
    expect(() => Math.max(...values)).toThrow(RangeError);
    expect(largest(values)).toBe(values.reduce((a, b) => (a > b ? a : b)));
    expect(smallest(values)).toBe(values.reduce((a, b) => (a < b ? a : b)));
    expect([largest([]), smallest([])]).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
  });

  it('draw the participation chart of three 50,000-round runs, labelled up to the last round', () => {
    const series = ['a', 'b', 'c'].map((label) => ({
      label,
      colour: '#000000',
      points: Array.from({ length: ROUNDS }, (_, i) => point(i + 1)),
    }));
    const spec = participationSpec({ series }) as { data: { values: unknown[] } };
    expect(spec.data.values.length).toBe(3 * ROUNDS * 3);
    expect(JSON.stringify(spec)).toContain(String(ROUNDS));
  });
});
