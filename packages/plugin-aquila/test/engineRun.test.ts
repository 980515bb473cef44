import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COMPRESSOR,
  createFedtuneContainer,
  parseExperiment,
  registerNamed,
  runExperiment,
  type Compressor,
  type LedgerRow,
  type NamedFactory,
  type RunSummary,
} from '@fedtune/core';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin, {
  adaQuantFlCompressorFactory,
  aquilaCompressorFactory,
  GRID_HEADER_BYTES,
  laqCompressorFactory,
  OFFICIAL_HEADER_BYTES,
  parseUploadBitsLog,
} from '../src/index.js';

/** Every payload a run's clients encoded: round, byte length, and the bit width its header states. */
type Sent = { round: number; bytes: number; bits: number };

/**
 * Registers `<name>-recorded`: the plugin's compressor, with each payload it encodes noted in the
 * log `logOf` picks for the payload's tag.
 */
function recorded(factory: NamedFactory<Compressor>, logOf: (tag: string) => Sent[]): NamedFactory<Compressor> {
  return {
    name: `${factory.name}-recorded`,
    plugin: 'aquila-engine-test',
    create: (options, context) => {
      const inner = factory.create(options, context);
      return {
        name: inner.name,
        prepare: inner.prepare?.bind(inner),
        encode: (update, encodeContext, prepared) => {
          const payload = inner.encode(update, encodeContext, prepared);
          // Both the grid and the official payload state b right after their tag and version.
          logOf(String.fromCharCode(...payload.subarray(0, 4))).push({ round: encodeContext.round, bytes: payload.byteLength, bits: payload[5]! });
          return payload;
        },
        decode: (payload, length, decodeContext) => inner.decode(payload, length, decodeContext),
      };
    },
  };
}

/** Where the official protocol's run logs the bits the paper's accounting charges. */
const bitsLogDir = mkdtempSync(join(tmpdir(), 'aquila-engine-bits-'));

/**
 * Six clients on the embedded data, all taking part every round. AQUILA's β is so large that no
 * update passes the rule, so every client uploads in round 0 (its first), skips in round 1 and is
 * forced back in round 2 by C = 1; the official protocol's run shares that selector.
 */
const experiment = {
  name: 'aquila-engine-test',
  seed: 4,
  label: 'aquila',
  data: { numClients: 6, partition: { kind: 'iid' }, trainLimit: 600, testLimit: 300 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 3, batchSize: 50 },
  selector: { name: 'aquila', options: { fraction: 1, beta: 1e9, maxStaleness: 1 } },
  compressor: 'aquila-recorded',
  aggregator: 'aquila',
  compare: [
    {
      label: 'official',
      compressor: { name: 'aquila-recorded', options: { protocol: 'official', bitsLogDir } },
      aggregator: { name: 'fedavg', options: { weighting: 'uniform' } },
    },
    { label: 'laq', compressor: 'laq-recorded', selector: { name: 'laq', options: { fraction: 0.5 } } },
    {
      label: 'adaquantfl',
      compressor: 'adaquantfl-recorded',
      selector: { name: 'uniform', options: { fraction: 0.5 } },
      aggregator: 'fedavg',
    },
  ],
};

describe('a real engine run', () => {
  const logs: Record<string, Sent[]> = { aquila: [], official: [], laq: [], adaquantfl: [] };
  let outDir: string;
  let summaries: RunSummary[];
  const ledger = (dir: string): LedgerRow[] =>
    readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LedgerRow);

  beforeAll(async () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    registerNamed(container, COMPRESSOR, recorded(aquilaCompressorFactory, (tag) => (tag === 'AQLO' ? logs.official! : logs.aquila!)));
    registerNamed(container, COMPRESSOR, recorded(laqCompressorFactory, () => logs.laq!));
    registerNamed(container, COMPRESSOR, recorded(adaQuantFlCompressorFactory, () => logs.adaquantfl!));
    outDir = mkdtempSync(join(tmpdir(), 'aquila-engine-'));
    summaries = await runExperiment(parseExperiment(experiment), { outDir, experimentDir: outDir, container });
  }, 60_000);

  it('counts in the ledger exactly the bytes the compressors serialised, round by round', () => {
    for (const summary of summaries) {
      const sent = logs[summary.label]!;
      const rows = ledger(summary.outDir);
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        const ofRound = sent.filter((s) => s.round === row.round);
        expect(row.uploaded).toBe(ofRound.length);
        expect(row.uplinkBytes).toBe(ofRound.reduce((total, s) => total + s.bytes, 0));
      }
      expect(summary.totalUplinkBytes).toBe(sent.reduce((total, s) => total + s.bytes, 0));
    }
  });

  it('sends 14 + ⌈d·b/8⌉ bytes per grid upload, b from its own header', () => {
    const d = summaries[0]!.trainableParameters;
    for (const label of ['aquila', 'laq']) {
      for (const s of logs[label]!) expect(s.bytes).toBe(GRID_HEADER_BYTES + Math.ceil((d * s.bits) / 8));
    }
    expect(new Set(logs.laq!.map((s) => s.bits))).toEqual(new Set([6]));
    for (const s of logs.aquila!) expect(s.bits).toBeGreaterThanOrEqual(1);
  });

  it('official protocol: sends 10 + 4·d bytes per upload and logs the b·d the paper counts for each', () => {
    const d = summaries[0]!.trainableParameters;
    const sent = logs.official!;
    expect(sent).toHaveLength(12);
    for (const s of sent) expect(s.bytes).toBe(OFFICIAL_HEADER_BYTES + 4 * d);
    const records = parseUploadBitsLog(readFileSync(join(bitsLogDir, `aquila-bits-seed-${experiment.seed}.jsonl`), 'utf8'));
    expect(records.map((r) => [r.round, r.bits, r.payloadBytes])).toEqual(sent.map((s) => [s.round, s.bits, s.bytes]));
    for (const r of records) expect(r.accountedBits).toBe(r.bits * d);
  });

  it('official protocol: a round where everyone skipped leaves the model as it was, reusing nothing', () => {
    const rows = ledger(summaries.find((s) => s.label === 'official')!.outDir);
    expect(rows.map((r) => [r.uploaded, r.skipped])).toEqual([
      [6, 0],
      [0, 6],
      [6, 0],
    ]);
    expect(rows[1]!.testLoss).toBe(rows[0]!.testLoss);
    expect(rows[2]!.testLoss).not.toBe(rows[1]!.testLoss);
  });

  it('adds zero bytes for a skipping client: round 1 skips everyone, C = 1 brings them back', () => {
    const rows = ledger(summaries[0]!.outDir);
    expect(rows.map((r) => [r.participants, r.uploaded, r.skipped])).toEqual([
      [6, 6, 0],
      [6, 0, 6],
      [6, 6, 0],
    ]);
    expect(rows[1]!.uplinkBytes).toBe(0);
    expect(rows[1]!.downlinkBytes).toBeGreaterThan(0);
    // Lazy aggregation still moves the model in round 1, from the stale uploads.
    expect(rows[1]!.testLoss).not.toBe(rows[0]!.testLoss);
  });
});
