import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertComponentsCompatible,
  buildComponents,
  createFedtuneContainer,
  MemoryStore,
  PayloadError,
  resolveNamed,
  slotComponent,
  type AggregationContext,
  type Compressor,
  type ReceivedUpdate,
} from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import plugin, { OFFICIAL_HEADER_BYTES, OfficialAquilaCompressor, parseUploadBitsLog } from '../src/index.js';
import { backend, codecContext, factoryContext, freshMemory } from './helpers.js';

const container = createFedtuneContainer();
plugin.register(container);
const aquila = (options: Record<string, unknown> = {}, seed = factoryContext.seed) =>
  resolveNamed(container, 'compressor', 'aquila').create(options, { ...factoryContext, seed });
const aggregator = (name: string, options: Record<string, unknown>) => resolveNamed(container, 'aggregator', name).create(options, factoryContext);
const official = (options: Record<string, unknown> = {}) => aquila({ protocol: 'official', ...options });

/**
 * Two clients upload in one round from q_m = 0, both at b* = 1 (hand-worked):
 * - client 0: g = (4, 1, 1, 1), R = 4, grid {−4, 4} → Q(g) = (4, 4, 4, 4);
 * - client 1: g = (0, −2, 0, 2), R = 2, ratio 4/√8 = 1.41 → b* = 1, grid {−2, 2}; 0 rounds up to 2 →
 *   Q(g) = (2, −2, 2, 2).
 */
const updates = [Float32Array.of(4, 1, 1, 1), Float32Array.of(0, -2, 0, 2)];
const global = Float32Array.of(1, 1, 1, 1);

/** Each client's update through `compressor` (prepare, encode, decode), as the server receives it. */
function uploadAll(codec: Compressor, clients: MemoryStore, server: MemoryStore): ReceivedUpdate[] {
  return updates.map((update, clientId) => {
    const clientContext = { ...codecContext(clients.of('compressor', clientId)), clientId };
    const prepared = codec.prepare?.(update, clientContext);
    const payload = codec.encode(update, clientContext, prepared);
    const decoded = codec.decode(payload, update.length, { ...codecContext(server.of('compressor', clientId)), clientId });
    return { clientId, slot: 0, base: global, update: decoded, numSamples: 100 * (clientId + 1) };
  });
}

function aggregationContext(received: ReceivedUpdate[], server: MemoryStore): AggregationContext {
  return {
    round: 0,
    global,
    received,
    missing: [],
    clientIds: [0, 1],
    slotsOf: () => 1,
    backend,
    memoryOf: (clientId, slot = 0) => server.of(slotComponent('aggregator', slot), clientId),
  };
}

describe('aquila compressor, protocol "official"', () => {
  it('sends the full-precision update after a header stating b*; only the client keeps q_m (hand-checked)', () => {
    const compressor = official();
    const client = freshMemory('compressor');
    const server = freshMemory('compressor');
    const payload = compressor.encode(updates[0]!, codecContext(client));
    expect(payload.byteLength).toBe(OFFICIAL_HEADER_BYTES + 4 * 4);
    expect(String.fromCharCode(...payload.subarray(0, 4))).toBe('AQLO');
    expect(payload[5]).toBe(1); // b* of (4, 1, 1, 1)
    expect(Array.from(compressor.decode(payload, 4, codecContext(server)))).toEqual([4, 1, 1, 1]);
    // The skip rule's q_m moves to the quantised vector on the client, as the official code's mgr = gr.
    expect(Array.from(client.get('lastUpload') as Float32Array)).toEqual([4, 4, 4, 4]);
    expect(server.get('lastUpload')).toBeUndefined();
  });

  it('lets the skip rule judge the quantised vector while the server will decode the update itself', () => {
    const compressor = official({ bitWidth: 'bStarPlusOne' }) as OfficialAquilaCompressor;
    const prepared = compressor.prepare(updates[0]!, codecContext(freshMemory()));
    expect(prepared.decoded).toEqual(updates[0]);
    expect(prepared.quantisation.bits).toBe(2);
  });

  it('aggregates the full-precision updates with fedavg "uniform", where applied quantisation moves the model elsewhere (hand-checked)', () => {
    const fedavg = aggregator('fedavg', { weighting: 'uniform' });
    const server = new MemoryStore();
    const received = uploadAll(official(), new MemoryStore(), server);
    // θ + (g₀ + g₁)/2 = (1, 1, 1, 1) + (2, −0.5, 0.5, 1.5); the sample counts 100 and 200 do not weigh.
    expect(Array.from(fedavg.aggregate(aggregationContext(received, server)) as Float32Array)).toEqual([3, 0.5, 1.5, 2.5]);
    // The applied protocol with the uploaders-only mean: θ + (Q(g₀) + Q(g₁))/2 = (1, 1, 1, 1) + (3, 1, 3, 3).
    const appliedServer = new MemoryStore();
    const applied = uploadAll(aquila(), new MemoryStore(), appliedServer);
    const uploadersOnly = aggregator('aquila', { mode: 'uploadersOnly' });
    expect(Array.from(uploadersOnly.aggregate(aggregationContext(applied, appliedServer)) as Float32Array)).toEqual([4, 2, 4, 4]);
  });

  it('refuses a foreign, mis-sized or malformed payload', () => {
    const compressor = official();
    const applied = (aquila()).encode(updates[0]!, codecContext(freshMemory()));
    expect(() => compressor.decode(applied, 4, codecContext(freshMemory()))).toThrow(/tag is "AQLA", expected "AQLO"/);
    const payload = compressor.encode(updates[0]!, codecContext(freshMemory()));
    expect(() => compressor.decode(payload, 5, codecContext(freshMemory()))).toThrow(/carries 4 values, the model has 5/);
    expect(() => compressor.decode(payload.subarray(0, payload.length - 1), 4, codecContext(freshMemory()))).toThrow(PayloadError);
    const badBits = payload.slice();
    badBits[5] = 0;
    expect(() => compressor.decode(badBits, 4, codecContext(freshMemory()))).toThrow(/bit width 0, allowed 1..16/);
  });

  it('logs each decoded upload\'s b and the b·d the paper counts, beside the bytes the ledger counts', () => {
    const folder = mkdtempSync(join(tmpdir(), 'aquila-bits-'));
    const compressor = official({ bitsLogDir: folder });
    const server = new MemoryStore();
    uploadAll(compressor, new MemoryStore(), server);
    const records = parseUploadBitsLog(readFileSync(join(folder, `aquila-bits-seed-${factoryContext.seed}.jsonl`), 'utf8'));
    expect(records).toEqual([0, 1].map((clientId) => ({ round: 0, clientId, bits: 1, values: 4, accountedBits: 4, payloadBytes: 26 })));
  });

  it('a resumed run\'s log keeps the stopped run\'s lines of earlier rounds only', () => {
    const folder = mkdtempSync(join(tmpdir(), 'aquila-bits-'));
    const file = join(folder, 'aquila-bits-seed-5.jsonl');
    const line = (round: number) => `${JSON.stringify({ round, clientId: 0, bits: 2, values: 4, accountedBits: 8, payloadBytes: 26 })}\n`;
    writeFileSync(file, line(0) + line(1) + line(2));
    // A run resumed at round 2 decodes its first upload: the stopped run's round-2 line goes.
    const compressor = aquila({ protocol: 'official', bitsLogDir: folder }, 5);
    const payload = compressor.encode(updates[0]!, codecContext(freshMemory()));
    compressor.decode(payload, 4, codecContext(freshMemory(), 2));
    compressor.decode(payload, 4, codecContext(freshMemory(), 3));
    expect(parseUploadBitsLog(readFileSync(file, 'utf8')).map((r) => [r.round, r.bits])).toEqual([
      [0, 2],
      [1, 2],
      [2, 1],
      [3, 1],
    ]);
  });
});

describe('pairings of the official protocol', () => {
  const components = (aggregator: string, channel = 'reliable', protocol = 'official') =>
    buildComponents(
      container,
      {
        backend: { name: 'reference', options: {} },
        adapter: { name: 'lora', options: {} },
        compressor: { name: 'aquila', options: { protocol } },
        selector: { name: 'aquila', options: { fraction: 0.5 } },
        aggregator: { name: aggregator, options: {} },
        channel: { name: channel, options: {} },
      },
      factoryContext,
    );
  const shape = { taskSlots: false, slices: false };

  it('averages with core\'s fedavg, and refuses the aquila aggregator, which applies quantised uploads', () => {
    expect(official()).toBeInstanceOf(OfficialAquilaCompressor);
    expect(() => assertComponentsCompatible(components('fedavg'), shape)).not.toThrow();
    expect(() => assertComponentsCompatible(components('aquila'), shape)).toThrow(
      /compressor aquila works only with aggregator "fedavg" \(its protocol has the server average the full-precision updates .*\), not with aggregator aquila; set aggregator to "fedavg"/,
    );
  });

  it('works over lossy links, where the applied protocol is refused: only the client keeps q_m', () => {
    expect(() => assertComponentsCompatible(components('fedavg', 'bernoulli'), shape)).not.toThrow();
    expect(() => assertComponentsCompatible(components('aquila', 'bernoulli', 'applied'), shape)).toThrow(/set channel to "reliable"/);
  });
});
