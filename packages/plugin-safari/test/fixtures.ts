import {
  createFedtuneContainer,
  MemoryStore,
  resolveNamed,
  slotComponent,
  type AggregationContext,
  type Backend,
  type MissingReason,
} from '@fedtune/core';

/** Core's reference backend, taken the way a run takes it. */
export const backend: Backend = resolveNamed(createFedtuneContainer(), 'backend', 'reference').create(
  {},
  { seed: 0, numClients: 1 },
);

/** One round seen by an aggregator: who arrived with which update, and who is missing. */
export interface RoundInput {
  round: number;
  global: number[];
  received: Record<number, number[]>;
  missing?: Record<number, MissingReason>;
  samples?: Record<number, number>;
}

/**
 * An aggregation context over clients 0..numClients−1 whose server memory lives in `memory`, so
 * successive rounds see what earlier ones stored.
 */
export function aggregationContext(numClients: number, memory: MemoryStore, input: RoundInput): AggregationContext {
  const global = Float32Array.from(input.global);
  const samplesOf = (clientId: number) => input.samples?.[clientId] ?? 100;
  return {
    round: input.round,
    global,
    received: Object.entries(input.received).map(([id, update]) => ({
      clientId: Number(id),
      slot: 0,
      base: global,
      update: Float32Array.from(update),
      numSamples: samplesOf(Number(id)),
    })),
    missing: Object.entries(input.missing ?? {}).map(([id, reason]) => ({
      clientId: Number(id),
      slot: 0,
      numSamples: samplesOf(Number(id)),
      reason,
    })),
    clientIds: Array.from({ length: numClients }, (_, i) => i),
    slotsOf: () => 1,
    backend,
    memoryOf: (clientId, slot = 0) => memory.of(slotComponent('aggregator', slot), clientId),
  };
}

/** The vector as plain numbers rounded to 6 decimals, for comparing with hand-computed literals. */
export const rounded = (values: Float32Array): number[] => Array.from(values, (v) => Math.round(v * 1e6) / 1e6);
