import { describe, expect, it } from 'vitest';
import {
  pickColumns,
  pickSections,
  ReportOptionError,
  summariseRuns,
  summarySections,
  type RunRecord,
} from '../src/index.js';
import { ledgerRows, resolvedExperiment } from './fixtures.js';

/** Two rounds at `accuracy`, `lost` uploads lost a round. */
function run(label: string, accuracy: number, lost: number): RunRecord {
  const experiment = resolvedExperiment({ name: label, label }) as RunRecord['experiment'];
  const ledger = ledgerRows({ rounds: 2, accuracy: () => accuracy, uplinkBytes: () => 1000, lost: () => lost });
  return { dir: label, experiment, ledger, summary: null, plannedRounds: 2, warnings: [] };
}

const sections = summarySections(summariseRuns([run('a', 0.5, 1), run('b', 0.75, 0)], { labels: 'experiment' }));

describe('picking columns of the summary', () => {
  it('makes one table of the run and the named columns, from whichever table has each, in the order named', () => {
    expect(pickColumns(sections, ['lost', 'final acc'])).toEqual({
      header: ['run', 'lost', 'final acc'],
      align: ['left', 'right', 'right'],
      rows: [
        ['a', '2', '50.00%'],
        ['b', '0', '75.00%'],
      ],
    });
  });

  it('refuses a column no table has, listing those there are', () => {
    expect(() => pickColumns(sections, ['final accuracy'])).toThrow(ReportOptionError);
    expect(() => pickColumns(sections, ['final accuracy'])).toThrow(
      /no table has a column "final accuracy"; .*"final acc", .*"lost"/,
    );
  });

  it('keeps the tables named, in the order named, and refuses one these runs lack', () => {
    expect(pickSections(sections, ['uploads', 'summary']).map((section) => section.id)).toEqual(['uploads', 'summary']);
    expect(() => pickSections(sections, ['clustering'])).toThrow(/no "clustering" table; they have summary, uploads/);
  });
});
