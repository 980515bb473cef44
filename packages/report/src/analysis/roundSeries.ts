import type { LedgerRow } from '@fedtune/core';
import type { RunGroup } from './groupRuns.js';
import { ROUND_FIELD_VALUES, ROUND_FIELDS, type RoundField } from './roundFields.js';
import { statisticOf, statisticOfSome, type Statistic } from './statistics.js';

/** One round of a group, each value over the group's runs that finished that round. */
export interface RoundPoint {
  /** Counted from 1, as progress output shows it. */
  round: number;
  /** Null when no run evaluated this round. */
  testAccuracy: Statistic | null;
  /** Null when no run reported a clustering this round (only per-slot aggregators do). */
  clusteringAccuracy: Statistic | null;
  /** Each adapter metric over the runs that reported it this round (evaluated rounds only). */
  adapterMetrics: Map<string, Statistic>;
  /** Each {@link RoundField} over the runs whose row has it this round; absent where none has. */
  fields: Partial<Record<RoundField, Statistic>>;
  /** Uplink bits sent in this round and all before it. */
  cumulativeUplinkBits: Statistic;
  uplinkBits: Statistic;
  /** Mean uploads that arrived, uploads the channel dropped, and clients that chose not to send. */
  arrived: number;
  lost: number;
  skipped: number;
}

/**
 * The group's per-round series. Rounds are matched by the ledger's round number, so a run cut
 * short simply stops contributing after its last round.
 */
export function roundSeries(group: RunGroup): RoundPoint[] {
  const byRound = new Map<number, { row: LedgerRow; cumulativeBits: number }[]>();
  for (const run of group.runs) {
    let cumulativeBits = 0;
    for (const row of run.ledger) {
      cumulativeBits += row.uplinkBytes * 8;
      const entries = byRound.get(row.round) ?? [];
      entries.push({ row, cumulativeBits });
      byRound.set(row.round, entries);
    }
  }
  return [...byRound.entries()]
    .sort(([a], [b]) => a - b)
    .map(([round, entries]) => {
      const rows = entries.map((entry) => entry.row);
      const mean = (value: (row: LedgerRow) => number) => rows.reduce((sum, row) => sum + value(row), 0) / rows.length;
      return {
        round: round + 1,
        testAccuracy: statisticOf(rows.flatMap((row) => (row.testAccuracy === null ? [] : [row.testAccuracy]))),
        clusteringAccuracy: statisticOf(
          rows.flatMap((row) => (row.clustering === undefined ? [] : [row.clustering.accuracy])),
        ),
        adapterMetrics: adapterMetricsOf(rows),
        fields: fieldsOf(rows),
        cumulativeUplinkBits: statisticOfSome(entries.map((entry) => entry.cumulativeBits)),
        uplinkBits: statisticOfSome(rows.map((row) => row.uplinkBytes * 8)),
        arrived: mean((row) => row.uploaded - row.lost),
        lost: mean((row) => row.lost),
        skipped: mean((row) => row.skipped),
      };
    });
}

function adapterMetricsOf(rows: readonly LedgerRow[]): Map<string, Statistic> {
  const values = new Map<string, number[]>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row.metrics ?? {}))
      values.set(name, [...(values.get(name) ?? []), value]);
  }
  return new Map([...values].map(([name, list]) => [name, statisticOfSome(list)]));
}

function fieldsOf(rows: readonly LedgerRow[]): Partial<Record<RoundField, Statistic>> {
  const fields: Partial<Record<RoundField, Statistic>> = {};
  for (const field of ROUND_FIELDS) {
    const statistic = statisticOf(rows.flatMap((row) => ROUND_FIELD_VALUES[field](row) ?? []));
    if (statistic !== null) fields[field] = statistic;
  }
  return fields;
}
