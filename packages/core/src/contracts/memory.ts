/**
 * Per-client state a component keeps between rounds (AQUILA's last upload, a staleness clock).
 * Values are plain numbers or Float32Arrays so they stay compact and serialisable for checkpoints.
 * A Float32Array may hold ±Infinity (say, for "not known yet") but never NaN: a checkpoint whose
 * memory holds NaN is refused on resume. The engine cannot know the length a component gives each
 * tensor, so a component that reads one it cannot use (of the wrong length) throws a
 * `CheckpointError` naming the key: memory changes only as its component writes it, so such a value
 * comes from a damaged checkpoint, and the run stops rather than going on without that client.
 * Read values with `storedTensor` and `storedScalar`, which make these checks.
 */
export interface ClientMemory {
  get(key: string): Float32Array | number | undefined;
  set(key: string, value: Float32Array | number): void;
  delete(key: string): void;
}
