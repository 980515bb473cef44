import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { FedAvgAggregator } from '../../src/builtins/index.js';
import type { AggregationContext } from '../../src/contracts/aggregator.js';
import { AGGREGATOR, COMPRESSOR } from '../../src/contracts/tokens.js';
import type { LedgerRow } from '../../src/engine/ledger.js';
import { runExperiment } from '../../src/engine/runExperiment.js';
import { parseExperiment } from '../../src/experiment/index.js';
import { readSafetensorsFile } from '../../src/model/formats/safetensors.js';
import { registerNamed } from '../../src/plugins/registry.js';
import { decodeFloat32Payload, encodeFloat32Payload } from '../../src/wire/float32Payload.js';

const BLOWN_UP = 1;
/** The largest finite float32, 3.4e38: every value of such an update passes the finiteness check. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Six clients that all take part over a reliable channel, fp32 on the wire. */
const federation = {
  name: 'update-screen',
  seed: 3,
  data: { numClients: 6, partition: { kind: 'dirichlet', alpha: 0.5 }, trainLimit: 600, testLimit: 300 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 2, localEpochs: 1, batchSize: 32, learningRate: 0.005 },
  aggregator: 'fedavg-watched',
};

/** What the aggregator was handed each round: who arrived, and who is missing and why. */
interface Seen {
  received: number[];
  missing: string[];
}

/**
 * Runs the federation with client 1's update multiplied by `gain` on the wire (NaN: replaced by NaN,
 * which the finiteness check rejects, the run without that client), or replaced by `gain` itself.
 */
async function run(gain: number | { fill: number }, updateScreen?: unknown) {
  const blowUp = (update: Float32Array) => (typeof gain === 'number' ? update.map((v) => v * gain) : update.fill(gain.fill));
  const container = createFedtuneContainer();
  registerNamed(container, COMPRESSOR, {
    name: 'one-client-scaled',
    plugin: 'update-screen-test',
    create: () => ({
      name: 'one-client-scaled',
      encode: (update, { clientId }) => encodeFloat32Payload(clientId === BLOWN_UP ? blowUp(update.slice()) : update),
      decode: (payload, length) => decodeFloat32Payload(payload, length),
    }),
  });
  const seen: Seen[] = [];
  registerNamed(container, AGGREGATOR, {
    name: 'fedavg-watched',
    plugin: 'update-screen-test',
    create: () => {
      const fedavg = new FedAvgAggregator('samples');
      return {
        name: 'fedavg-watched',
        aggregate: (context: AggregationContext) => {
          seen.push({
            received: context.received.map((r) => r.clientId),
            missing: context.missing.map((m) => `${m.clientId}:${m.reason}`),
          });
          return fedavg.aggregate(context);
        },
      };
    },
  });
  const outDir = mkdtempSync(join(tmpdir(), 'fedtune-screen-'));
  const log: string[] = [];
  const experiment = { ...federation, compressor: 'one-client-scaled', ...(updateScreen === undefined ? {} : { updateScreen }) };
  await runExperiment(parseExperiment(experiment), { outDir, experimentDir: outDir, container, log: (line) => log.push(line) });
  const rows = readFileSync(join(outDir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LedgerRow)
    .map(({ wallMs: _wallMs, ...rest }) => rest);
  const { tensors } = await readSafetensorsFile(join(outDir, 'adapter', 'adapter_model.safetensors'));
  const adapter = [...tensors.values()].flatMap((tensor) => Array.from(tensor.data as Float32Array));
  return { rows, seen, log, adapter };
}

const l2 = (values: number[]) => Math.hypot(...values);

describe('the update screen in the round loop', () => {
  let screened: Awaited<ReturnType<typeof run>>;
  let withoutClient: Awaited<ReturnType<typeof run>>;
  let unscreened: Awaited<ReturnType<typeof run>>;
  let largestFinite: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    screened = await run(1e6);
    withoutClient = await run(NaN);
    unscreened = await run(1e6, 'off');
    largestFinite = await run({ fill: FLOAT32_MAX });
  }, 240_000);

  it("rejects an update of float32's largest finite value everywhere, which the finiteness check lets through", () => {
    expect(largestFinite.rows.map((r) => r.rejected)).toEqual([1, 1]);
    expect(largestFinite.rows).toEqual(withoutClient.rows);
    expect(largestFinite.adapter).toEqual(withoutClient.adapter);
  });

  it('rejects a blown-up update by default, counts it and logs why', () => {
    expect(screened.rows.map((r) => [r.uploaded, r.rejected])).toEqual([
      [6, 1],
      [6, 1],
    ]);
    const lines = screened.log.filter((line) => line.includes(`update of client ${BLOWN_UP} slot 0 rejected`));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^round 0: update of client 1 slot 0 rejected: its norm \S+ is \S+× the median update norm \S+ \(this round's and each other slot's latest\), above the screen's factor 100; /,
    );
    const ratio = Number(/is (\S+)×/.exec(lines[0] as string)?.[1]);
    expect(ratio).toBeGreaterThan(1e5);
  });

  it('never hands it to the aggregator, which sees the client missing as rejected', () => {
    for (const round of screened.seen) {
      expect(round.received).not.toContain(BLOWN_UP);
      expect(round.missing).toEqual([`${BLOWN_UP}:rejected`]);
    }
  });

  it('ends where the run without that client ends', () => {
    expect(screened.rows).toEqual(withoutClient.rows);
    expect(screened.adapter).toEqual(withoutClient.adapter);
  });

  it('lets it through when updateScreen is "off", and the global model blows up', () => {
    expect(unscreened.rows.map((r) => r.rejected)).toEqual([0, 0]);
    expect(unscreened.seen.every((round) => round.received.includes(BLOWN_UP))).toBe(true);
    expect(l2(unscreened.adapter)).toBeGreaterThan(100 * l2(screened.adapter));
  });
});
