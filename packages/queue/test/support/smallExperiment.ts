import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFedtuneContainer, parseExperiment, runExperiment, type LedgerRow, type RunOptions } from '@fedtune/core';

/** A federation small enough to run many times: 6 clients, 3 rounds, 600 training images. */
export const smallExperiment = parseExperiment({
  name: 'queue-test',
  seed: 5,
  data: { numClients: 6, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 600, testLimit: 300 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 3, localEpochs: 1, batchSize: 32, learningRate: 0.005 },
  selector: { name: 'uniform', options: { fraction: 0.5 } },
  compressor: { name: 'qsgd', options: { levels: 8 } },
});

/** A fresh folder for one test's runs. */
export function scratchFolder(): string {
  return mkdtempSync(join(tmpdir(), 'fedtune-queue-'));
}

/** Runs the small experiment into `outDir` with `options` (the queue's trainers, say). */
export async function runSmall(outDir: string, options: Partial<RunOptions> = {}): Promise<void> {
  await runExperiment(smallExperiment, { outDir, experimentDir: outDir, container: createFedtuneContainer(), ...options });
}

/** The ledger's rows without their wall times, which differ from run to run. */
export function ledgerOf(outDir: string): Omit<LedgerRow, 'wallMs'>[] {
  return readFileSync(join(outDir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { wallMs: _wallMs, ...rest } = JSON.parse(line) as LedgerRow;
      return rest;
    });
}

/** The exported adapter's bytes. */
export function adapterOf(outDir: string): Buffer {
  return readFileSync(join(outDir, 'adapter', 'adapter_model.safetensors'));
}
