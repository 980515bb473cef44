import { describe, expect, it } from 'vitest';
import { statisticOf, summariseRuns, summaryTable, type RunRecord } from '../src/index.js';
import { roundSeries } from '../src/analysis/roundSeries.js';
import { groupRuns } from '../src/index.js';
import { ledgerRows, resolvedExperiment } from './fixtures.js';

/**
 * Three seeds, four rounds. Seed s's accuracy is 0.4 + 0.1·round + 0.02·(s − 2), so the seeds
 * sit 0.02 apart every round; seed s uploads (900 + 100·s) bytes per round. The third seed's
 * run was cut short after two rounds unless `complete`.
 */
function seeds(complete: boolean): RunRecord[] {
  return [1, 2, 3].map((seed) => {
    const rows = ledgerRows({
      rounds: 4,
      accuracy: (round) => 0.4 + 0.1 * round + 0.02 * (seed - 2),
      uplinkBytes: () => 900 + 100 * seed,
      skipped: (round) => (round + seed) % 3,
    });
    const experiment = resolvedExperiment({ seed }) as RunRecord['experiment'];
    const ledger = complete || seed < 3 ? rows : rows.slice(0, 2);
    return { dir: `seed-${seed}`, experiment, ledger, summary: null, plannedRounds: 4, warnings: [] };
  });
}

describe('statistics over seeds', () => {
  it('is the mean and the sample standard deviation (n − 1); a single run has no spread', () => {
    // Mean 0.74; deviations −0.04, 0, +0.04: (0.0016 + 0 + 0.0016) / 2 = 0.0016, √ = 0.04.
    const statistic = statisticOf([0.7, 0.74, 0.78]);
    expect(statistic?.mean).toBeCloseTo(0.74, 12);
    expect(statistic?.std).toBeCloseTo(0.04, 12);
    expect(statistic?.n).toBe(3);
    expect(statisticOf([0.7])).toEqual({ mean: 0.7, std: null, n: 1 });
    expect(statisticOf([])).toBeNull();
  });
});

describe('summariseRuns over seeds', () => {
  it('gives one row per experiment, with mean ± std of each measure', () => {
    const [summary, ...others] = summariseRuns(seeds(true));
    expect(others).toEqual([]);
    expect(summary?.seeds).toEqual([1, 2, 3]);
    // Final accuracies 0.68, 0.70, 0.72: mean 0.70, std √((0.0004 + 0 + 0.0004) / 2) = 0.02.
    expect(summary?.finalAccuracy?.mean).toBeCloseTo(0.7, 12);
    expect(summary?.finalAccuracy?.std).toBeCloseTo(0.02, 12);
    // Uplink totals 4 × 1000, 4 × 1100, 4 × 1200 bytes: mean 4400, std 400.
    expect(summary?.totalUplinkBytes.mean).toBeCloseTo(4400, 9);
    expect(summary?.totalUplinkBytes.std).toBeCloseTo(400, 9);
    const table = summaryTable(summariseRuns(seeds(true)));
    const cells = Object.fromEntries(table.header.map((title, column) => [title, table.rows[0]?.[column]]));
    expect(cells).toMatchObject({
      run: 'LoRA r=4',
      seeds: '1, 2, 3',
      rounds: '4',
      'final acc': '70.00% ± 2.00%',
      'best acc': '70.00% ± 2.00%',
      'uplink MB': '0.004 ± 0.000',
    });
  });

  it('counts a seed cut short only for the rounds it finished', () => {
    const [summary] = summariseRuns(seeds(false));
    expect(summary?.roundsFinished).toEqual([4, 4, 2]);
    // Last evaluated accuracies 0.68, 0.70 (round 3) and 0.52 (seed 3's round 1).
    expect(summary?.finalAccuracy?.mean).toBeCloseTo((0.68 + 0.7 + 0.52) / 3, 12);
    expect(summaryTable(summariseRuns(seeds(false))).rows[0]?.[2]).toBe('2–4 of 4');
  });
});

describe('per-round series of a group', () => {
  it('averages each round over the runs that finished it', () => {
    const [group] = groupRuns(seeds(false));
    if (group === undefined) throw new Error('no group');
    const points = roundSeries(group);
    expect(points.map((point) => point.round)).toEqual([1, 2, 3, 4]);
    const [first, , third] = points;
    // Round 1 (index 0): accuracies 0.38, 0.40, 0.42; bits 8000, 8800, 9600.
    expect(first?.testAccuracy?.mean).toBeCloseTo(0.4, 12);
    expect(first?.testAccuracy?.std).toBeCloseTo(0.02, 12);
    expect(first?.uplinkBits.mean).toBeCloseTo(8800, 9);
    expect(first?.uplinkBits.std).toBeCloseTo(800, 9);
    // Skipped (round + seed) % 3 → 1, 2, 0: mean 1; 10 sampled, none lost, so 9 arrive on average.
    expect(first?.skipped).toBeCloseTo(1, 12);
    expect(first?.arrived).toBeCloseTo(9, 12);
    // Round 3: only seeds 1 and 2 remain; accuracies 0.58, 0.60; cumulative bits 3 × 8000, 3 × 8800.
    expect(third?.testAccuracy?.n).toBe(2);
    expect(third?.testAccuracy?.mean).toBeCloseTo(0.59, 12);
    expect(third?.cumulativeUplinkBits.mean).toBeCloseTo(25_200, 9);
    expect(third?.cumulativeUplinkBits.std).toBeCloseTo(Math.SQRT2 * 1200, 9);
  });
});
