import { describe, expect, it } from 'vitest';
import { bitsToReach, parseTarget, summariseRuns, summaryTable, type RunRecord } from '../src/index.js';
import { ledgerRows, resolvedExperiment } from './fixtures.js';

const KB = 1000;
const ledger = (accuracies: (number | null)[]) =>
  ledgerRows({ rounds: accuracies.length, accuracy: (round) => accuracies[round] ?? null, uplinkBytes: () => KB });

function run(seed: number, accuracies: (number | null)[]): RunRecord {
  const experiment = resolvedExperiment({ seed }) as RunRecord['experiment'];
  return {
    dir: `seed-${seed}`,
    experiment,
    ledger: ledger(accuracies),
    summary: null,
    plannedRounds: accuracies.length,
    warnings: [],
  };
}

describe('bits to reach a target accuracy', () => {
  it('counts uplink bits up to and including the first round at or above the target', () => {
    // Reached in the third round: 3 rounds × 1000 bytes × 8 bits.
    expect(bitsToReach(ledger([0.5, 0.7, 0.82, 0.85]), 0.8)).toBe(24_000);
    expect(bitsToReach(ledger([0.5, 0.8]), 0.8)).toBe(16_000);
  });

  it('can only see the target reached at an evaluated round', () => {
    // Evaluated every second round: reached at the fourth, whatever happened in the third.
    expect(bitsToReach(ledger([null, 0.6, null, 0.85]), 0.8)).toBe(32_000);
  });

  it('is null when no round reached the target', () => {
    expect(bitsToReach(ledger([0.5, 0.79]), 0.8)).toBeNull();
  });

  it('is summarised over the seeds that reached it, saying how many did', () => {
    const runs = [run(1, [0.5, 0.81]), run(2, [0.82, 0.9]), run(3, [0.5, 0.6])];
    const [summary] = summariseRuns(runs, { target: 0.8 });
    expect(summary?.bitsToTarget).toEqual({
      target: 0.8,
      reached: 2,
      of: 3,
      bits: { mean: 12_000, std: expect.closeTo(5656.854, 3), n: 2 },
    });
    const table = summaryTable(summariseRuns(runs, { target: 0.8 }));
    expect(table.header).toContain('bits to 80%');
    expect(table.rows[0]).toContain('12 kbit ± 5.66 kbit (2 of 3 runs)');
    expect(summaryTable(summariseRuns(runs, { target: 0.95 })).rows[0]).toContain('not reached');
  });

  it('leaves the column out when no target was asked for', () => {
    const table = summaryTable(summariseRuns([run(1, [0.5, 0.81])]));
    expect(table.header.some((title) => title.startsWith('bits to'))).toBe(false);
  });
});

describe('perplexity of next-byte runs', () => {
  it('is the last reported value, as mean ± std over seeds, in a column shown only when present', () => {
    const withPerplexity = (seed: number, values: (number | undefined)[]): RunRecord => {
      const base = run(seed, [0.3, 0.4, 0.5]);
      const rows = base.ledger.map((row, round) => {
        const value = values[round];
        return value === undefined ? row : { ...row, testPerplexity: value };
      });
      return { ...base, ledger: rows };
    };
    const [summary] = summariseRuns([withPerplexity(1, [12, 10, undefined]), withPerplexity(2, [11, 9, 8])]);
    // Seed 1's last report is round 1 (10); seed 2's is round 2 (8).
    expect(summary?.finalPerplexity).toEqual({ mean: 9, std: expect.closeTo(Math.SQRT2, 6), n: 2 });
    const table = summaryTable(summariseRuns([withPerplexity(1, [12, 10, 9])]));
    expect(table.rows[0]?.[table.header.indexOf('final ppl')]).toBe('9.00');
    expect(summaryTable(summariseRuns([run(1, [0.5])])).header).not.toContain('final ppl');
  });
});

describe('parseTarget', () => {
  it('takes a fraction or a percentage', () => {
    expect(parseTarget('0.8')).toBe(0.8);
    expect(parseTarget('80%')).toBe(0.8);
    expect(parseTarget(' 72.5% ')).toBeCloseTo(0.725, 12);
    expect(parseTarget('1')).toBe(1);
  });

  it('refuses numbers that cannot be an accuracy, including a percentage without its %', () => {
    for (const text of ['80', '0', '-0.1', '', '%', 'high', '101%']) {
      expect(() => parseTarget(text), text).toThrow(/expected an accuracy such as 0\.8 or 80%/);
    }
  });
});
