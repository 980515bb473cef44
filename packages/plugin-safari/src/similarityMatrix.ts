import { type ClientMemory, storedTensor } from '@fedtune/core';

const ROW_KEY = 'safari.distances';

/**
 * SAFARI's client distance matrix S, kept in the server's per-client memory: client u's row holds
 * S[u, v] for every client v (in `clientIds` order), Infinity where no distance is known yet.
 * Built on each aggregation from memory, so the aggregator itself holds no state. A row of other
 * than one entry per client comes from a damaged checkpoint, and reading it throws a
 * `CheckpointError` naming the key.
 */
export class SimilarityMatrix {
  private readonly position: ReadonlyMap<number, number>;

  constructor(
    private readonly clientIds: readonly number[],
    private readonly memoryOf: (clientId: number) => ClientMemory,
  ) {
    this.position = new Map(clientIds.map((id, index) => [id, index]));
  }

  /** S[u, v]: Infinity when unknown, 0 on the diagonal. */
  get(u: number, v: number): number {
    if (u === v) return 0;
    const row = this.storedRow(u);
    return row === undefined ? Infinity : (row[this.indexOf(v)] as number);
  }

  /** Whether two of `ids` have no distance between them yet. */
  hasUnknownPair(ids: readonly number[]): boolean {
    return ids.some((u) => ids.some((v) => !Number.isFinite(this.get(u, v))));
  }

  /**
   * Records the n×n `distances` measured between `ids` this round. An unknown entry takes the new
   * distance; a known one becomes keep·old + (1 − keep)·new, so keep = 1 leaves it as first measured
   * and keep < 1 is an exponential moving average.
   */
  record(ids: readonly number[], distances: Float32Array, keep: number): void {
    const n = ids.length;
    ids.forEach((u, i) => {
      const row = this.storedRow(u)?.slice() ?? new Float32Array(this.clientIds.length).fill(Infinity);
      ids.forEach((v, j) => {
        if (u === v) return;
        const fresh = distances[i * n + j] as number;
        const old = row[this.indexOf(v)] as number;
        row[this.indexOf(v)] = Number.isFinite(old) ? keep * old + (1 - keep) * fresh : fresh;
      });
      this.memoryOf(u).set(ROW_KEY, row);
    });
  }

  /** Client u's row as stored, `undefined` before its first distance. */
  private storedRow(u: number): Float32Array | undefined {
    return storedTensor(this.memoryOf(u), ROW_KEY, this.clientIds.length);
  }

  private indexOf(clientId: number): number {
    const index = this.position.get(clientId);
    if (index === undefined) throw new RangeError(`client ${clientId} is not in the federation`);
    return index;
  }
}
