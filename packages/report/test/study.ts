import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ledgerRows, resolvedExperiment as experimentWith, writeRun } from './fixtures.js';

const trainingDefaults = experimentWith().training as Record<string, unknown>;

const ROUNDS = 20;
const FP32_BYTES = 4 * 12_906 * 5;

/** A small, deterministic wobble per seed and round, so seeds differ the way real runs do. */
function wobble(seed: number, round: number): number {
  return (((seed * 7 + round * 13) % 5) - 2) * 0.006;
}

function curve(seed: number, ceiling: number) {
  return (round: number) => 0.42 + (ceiling - 0.42) * (1 - Math.exp(-(round + 1) / 4)) + wobble(seed, round);
}

/**
 * A compression study as `fedtune run` leaves it: three seed folders, each with the fp32 run and
 * two comparisons (4-level QSGD, and QSGD over a lossy channel with lazy uploads), one comparison
 * cut short mid-write, plus a folder whose experiment file is damaged. Returns the folders to report on.
 */
export function writeStudy(root: string): string[] {
  const seeds = [1, 2, 3];
  const resolvedExperiment = (changes: Record<string, unknown>) =>
    experimentWith({ ...changes, training: { ...trainingDefaults, rounds: ROUNDS } });
  const folders = seeds.map((seed) => {
    const dir = join(root, `seed-${seed}`);
    writeRun(dir, {
      experiment: resolvedExperiment({ seed, label: 'fp32' }),
      rows: ledgerRows({ rounds: ROUNDS, accuracy: curve(seed, 0.81), uplinkBytes: () => FP32_BYTES }),
      finished: true,
    });
    const qsgd = { name: 'qsgd', options: { levels: 4 } };
    const qsgdRows = ledgerRows({
      rounds: ROUNDS,
      accuracy: curve(seed + 1, 0.79),
      uplinkBytes: (r) => 0.13 * FP32_BYTES + r * 40,
    });
    writeRun(join(dir, 'compare', 'qsgd-4'), {
      experiment: resolvedExperiment({ seed, label: 'qsgd-4', compressor: qsgd }),
      // The third seed was stopped while writing round 15.
      rows: seed === 3 ? qsgdRows.slice(0, 14) : qsgdRows,
      finished: seed !== 3,
      ledgerTail: seed === 3 ? JSON.stringify(qsgdRows[14]).slice(0, 40) : '',
    });
    const skipped = (r: number) => (r * 3 + seed) % 4;
    writeRun(join(dir, 'compare', 'qsgd-4-lossy'), {
      experiment: resolvedExperiment({
        seed,
        label: 'qsgd-4 lossy',
        compressor: qsgd,
        channel: { name: 'bernoulli', options: { lossProbability: 0.2 } },
      }),
      rows: ledgerRows({
        rounds: ROUNDS,
        accuracy: curve(seed + 2, 0.76),
        uplinkBytes: (r) => (0.13 * FP32_BYTES * (10 - skipped(r))) / 10,
        skipped,
        lost: (r) => (r + seed) % 3,
      }),
      finished: true,
    });
    return dir;
  });
  const damaged = join(root, 'damaged');
  mkdirSync(damaged, { recursive: true });
  writeFileSync(join(damaged, 'experiment.json'), '{"name": "quickstart", "se');
  writeFileSync(join(damaged, 'ledger.jsonl'), '');
  return [...folders, damaged];
}
