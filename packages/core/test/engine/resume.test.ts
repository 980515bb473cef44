import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFloat32Payload, encodeFloat32Payload } from '../../src/wire/float32Payload.js';
import { COMPRESSOR } from '../../src/contracts/tokens.js';
import {
  CHECKPOINT_FILE,
  decodeCheckpoint,
  encodeCheckpoint,
  readResumeRecord,
  runExperiment,
  type LedgerRow,
} from '../../src/engine/index.js';
import { CheckpointError } from '../../src/errors.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { registerNamed } from '../../src/plugins/registry.js';
import { sampleState } from './checkpointFixtures.js';

/**
 * A compressor with state on both sides, so a resumed run that lost any memory would differ:
 * clients keep an error-feedback residual of rounding to a coarse grid, the server counts uploads.
 */
function containerWithStatefulCompressor() {
  const container = createFedtuneContainer();
  registerNamed(container, COMPRESSOR, {
    name: 'rounded-feedback',
    plugin: 'resume-test',
    create: () => ({
      name: 'rounded-feedback',
      encode: (update, { memory }) => {
        const residual = memory.get('residual');
        const corrected = update.map((v, i) => v + (residual instanceof Float32Array ? (residual[i] as number) : 0));
        const rounded = corrected.map((v) => Math.round(v * 200) / 200);
        memory.set('residual', corrected.map((v, i) => v - (rounded[i] as number)));
        return encodeFloat32Payload(rounded);
      },
      decode: (payload, length, { memory }) => {
        memory.set('uploads', ((memory.get('uploads') as number | undefined) ?? 0) + 1);
        return decodeFloat32Payload(payload, length);
      },
    }),
  });
  return container;
}

const experiment = parseExperiment({
  name: 'resume-test',
  seed: 11,
  data: { numClients: 6, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 600, testLimit: 300 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 5, localEpochs: 1, batchSize: 32, learningRate: 0.005 },
  selector: { name: 'uniform', options: { fraction: 0.5 } },
  compressor: 'rounded-feedback',
  channel: { name: 'bernoulli', options: { successRate: 0.7 } },
  compare: [{ label: 'fedavg plain', compressor: 'none' }],
});

const ledger = (dir: string) =>
  readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { wallMs: _wallMs, ...row } = JSON.parse(line) as LedgerRow;
      return row;
    });

class Stop extends Error {}

describe('a run stopped and resumed from its checkpoint', () => {
  it('ends with the same ledgers and adapter as an uninterrupted run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fedtune-resume-'));
    const whole = join(root, 'whole');
    const stopped = join(root, 'stopped');
    await runExperiment(experiment, { outDir: whole, experimentDir: root, container: containerWithStatefulCompressor() });

    // Stop during round 3 of the main run: checkpoints were written after rounds 1 and 3 (every 2).
    await expect(
      runExperiment(experiment, {
        outDir: stopped,
        experimentDir: root,
        container: containerWithStatefulCompressor(),
        checkpointEvery: 2,
        onRound: (event) => {
          if (event.round === 3) throw new Stop('stopped');
        },
      }),
    ).rejects.toThrow(Stop);
    expect(existsSync(join(stopped, CHECKPOINT_FILE))).toBe(true);
    expect(ledger(stopped)).toHaveLength(4);

    const record = readResumeRecord(stopped);
    expect(record.checkpointEvery).toBe(2);
    const summaries = await runExperiment(record.experiment, {
      outDir: stopped,
      experimentDir: record.experimentDir,
      container: containerWithStatefulCompressor(),
      checkpointEvery: record.checkpointEvery,
      resume: true,
    });
    expect(summaries.map((s) => s.label)).toEqual(['lora', 'fedavg plain']);
    for (const folder of ['', join('compare', 'fedavg-plain')]) {
      expect(ledger(join(stopped, folder))).toEqual(ledger(join(whole, folder)));
      expect(existsSync(join(stopped, folder, CHECKPOINT_FILE))).toBe(false);
    }
    const adapter = (dir: string) => readFileSync(join(dir, 'adapter', 'adapter_model.safetensors'));
    expect(adapter(stopped).equals(adapter(whole))).toBe(true);
  }, 120_000);

  it('refuses a folder that was not started with checkpoints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedtune-resume-none-'));
    expect(() => readResumeRecord(dir)).toThrow(/only runs started with --checkpoint-every can be resumed/);
  });
});

describe('checkpoint files', () => {
  const state = sampleState;

  it('round-trip every vector and number exactly, doubles and infinities included', () => {
    const decoded = decodeCheckpoint(encodeCheckpoint(state(), 'abc'), 'abc', 'test');
    expect(decoded.nextRound).toBe(4);
    expect(Array.from(decoded.global)).toEqual([1, 2, 3]);
    expect(Array.from(decoded.previousGlobal)).toEqual([0, 2, 3]);
    expect(decoded.groups.map((g) => [Array.from(g.parameters), g.slots])).toEqual([[[9, 9, 9], ['2/1', '0/0']]]);
    expect(Array.from(decoded.clientMemory.of('compressor', 3).get('residual') as Float32Array)).toEqual([0.5, -1]);
    expect(decoded.clientMemory.of('selector', 3).get('staleness')).toBe(7);
    expect(decoded.serverMemory.of('aggregator', 0).get('loss')).toBe(1 / 3);
    expect(decoded.serverMemory.of('aggregator', 1).get('best')).toBe(Infinity);
  });

  it('refuse another experiment, another format and damaged bytes', () => {
    const bytes = encodeCheckpoint(state(), 'abc');
    expect(() => decodeCheckpoint(bytes, 'other', 'test')).toThrow(/written by a run with other settings/);
    expect(() => decodeCheckpoint(bytes.subarray(0, 40), 'abc', 'test')).toThrow(CheckpointError);
  });
});
