/**
 * Per-client state a component keeps between rounds (AQUILA's last upload, a staleness clock).
 * Values are plain numbers or Float32Arrays so they stay compact and serialisable for checkpoints.
 */
export interface ClientMemory {
  get(key: string): Float32Array | number | undefined;
  set(key: string, value: Float32Array | number): void;
  delete(key: string): void;
}
