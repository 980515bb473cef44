/**
 * Per-client state a component keeps between rounds (AQUILA's last upload, a staleness clock).
 * Values are plain numbers or Float32Arrays so they stay compact and serialisable for checkpoints.
 * A Float32Array may hold ±Infinity (say, for "not known yet") but never NaN: a checkpoint whose
 * memory holds NaN is refused on resume.
 */
export interface ClientMemory {
  get(key: string): Float32Array | number | undefined;
  set(key: string, value: Float32Array | number): void;
  delete(key: string): void;
}
