import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerRow, RunSummary } from '@fedtune/core';

/** A resolved experiment as the engine writes it to `experiment.json`, with `changes` merged over the top level. */
export function resolvedExperiment(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    $schema: '../docs/experiment.schema.json',
    name: 'quickstart',
    label: 'LoRA r=4',
    seed: 42,
    plugins: [],
    data: {
      dataset: 'fashion-mnist',
      source: 'embedded',
      numClients: 20,
      partition: { kind: 'dirichlet', alpha: 0.5 },
      upstreamClasses: [0, 1, 2, 3, 4],
      origin: 'embedded',
    },
    model: { architecture: 'mlp', base: 'embedded', hidden: [256, 128] },
    adapter: { name: 'lora', rank: 4, alpha: 8, options: {} },
    training: { rounds: 10, localEpochs: 1, batchSize: 32, learningRate: 0.005, optimizer: 'adam', tfBackend: 'auto' },
    evaluation: { every: 1 },
    backend: { name: 'reference', options: {} },
    compressor: { name: 'none', options: {} },
    selector: { name: 'uniform', options: { fraction: 0.5 } },
    aggregator: { name: 'fedavg', options: {} },
    channel: { name: 'reliable', options: {} },
    compare: [],
    ...changes,
    resolvedAt: '2025-01-01T00:00:00.000Z',
  };
}

/** How a synthetic ledger evolves. */
export interface LedgerShape {
  rounds: number;
  /** Test accuracy after round `round` (0-based), or null when not evaluated. */
  accuracy: (round: number) => number | null;
  uplinkBytes: (round: number) => number;
  participants?: number;
  skipped?: (round: number) => number;
  lost?: (round: number) => number;
}

/** Ledger rows following `shape`. */
export function ledgerRows(shape: LedgerShape): LedgerRow[] {
  const participants = shape.participants ?? 10;
  return Array.from({ length: shape.rounds }, (_, round) => {
    const skipped = shape.skipped?.(round) ?? 0;
    const accuracy = shape.accuracy(round);
    return {
      round,
      participants,
      uploaded: participants - skipped,
      skipped,
      lost: shape.lost?.(round) ?? 0,
      rejected: 0,
      uplinkBytes: shape.uplinkBytes(round),
      downlinkBytes: 51_624 * participants,
      trainLoss: 1 / (round + 1),
      testAccuracy: accuracy,
      testLoss: accuracy === null ? null : 1 - accuracy,
      wallMs: 100 + round,
    };
  });
}

/** What {@link writeRun} writes. */
export interface RunFiles {
  experiment: Record<string, unknown>;
  rows: LedgerRow[];
  /** Write `summary.json` as a finished run does. */
  finished?: boolean;
  /** Text appended to the ledger after the rows, e.g. half a line. */
  ledgerTail?: string;
}

/** Writes a results folder the way the engine does. */
export function writeRun(dir: string, files: RunFiles): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'experiment.json'), `${JSON.stringify(files.experiment, null, 2)}\n`);
  const lines = files.rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  writeFileSync(join(dir, 'ledger.jsonl'), lines + (files.ledgerTail ?? ''));
  if (files.finished === true) writeFileSync(join(dir, 'summary.json'), JSON.stringify(summaryOf(files)));
  return dir;
}

function summaryOf(files: RunFiles): RunSummary {
  const accuracies = files.rows.flatMap((row) => (row.testAccuracy === null ? [] : [row.testAccuracy]));
  const experiment = files.experiment as { name: string; label: string; seed: number };
  return {
    label: experiment.label,
    name: experiment.name,
    seed: experiment.seed,
    rounds: files.rows.length,
    finalAccuracy: accuracies.at(-1) ?? 0,
    bestAccuracy: Math.max(...accuracies),
    totalUplinkBytes: files.rows.reduce((sum, row) => sum + row.uplinkBytes, 0),
    totalDownlinkBytes: files.rows.reduce((sum, row) => sum + row.downlinkBytes, 0),
    wallMs: 1234,
    trainableParameters: 12_906,
    outDir: 'results/x',
    backend: 'reference',
    tfBackend: 'wasm',
    data: 'embedded',
    components: {},
    finishedAt: '2025-01-01T00:01:00.000Z',
  };
}
