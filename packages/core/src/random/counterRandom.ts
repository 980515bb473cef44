/**
 * The one source of randomness in fedtune. Every draw is a pure function of
 * (seed, round, client, stream, index), so any backend, any worker and any re-run computes the
 * same number without sharing generator state. Built from 32-bit integer multiply/xor-shift
 * rounds (murmur3's finaliser), which WebGL2/WebGPU shaders can evaluate exactly.
 */

/** Identifies one independent stream of draws. */
export interface RandomKey {
  seed: number;
  round: number;
  client: number;
  /** Which consumer draws (see {@link RandomStreams}), so two consumers never reuse numbers. */
  stream: number;
}

/** A block of consecutive random stream ids: `first` … `first + count − 1`. */
export interface RandomStreamRange {
  first: number;
  count: number;
}

/**
 * The distance between an adapter slot's stream ids: slot s of a multi-task client draws from
 * `stream + s · SLOT_STREAM_STRIDE`, so adding a task never reorders slot 0's draws.
 */
export const SLOT_STREAM_STRIDE = 1 << 16;

/** The stream ids core keeps for itself ({@link RandomStreams}); core reserves them when it registers. */
export const CORE_RANDOM_STREAMS: Readonly<RandomStreamRange> = { first: 0, count: 1000 };

/**
 * The stream ids plugins reserve ranges from (`reserveRandomStreams`): above core's and below
 * {@link SLOT_STREAM_STRIDE}, so no slot's offset lands on another range.
 */
export const PLUGIN_RANDOM_STREAMS: Readonly<RandomStreamRange> = { first: 1000, count: SLOT_STREAM_STRIDE - 1000 };

/** Stream ids used by core, all within {@link CORE_RANDOM_STREAMS}. */
export const RandomStreams = {
  clientSampling: 1,
  batchShuffle: 2,
  stochasticQuantize: 3,
  channel: 4,
  initialisation: 5,
  partition: 6,
  subset: 7,
  dropout: 8,
  taskAssignment: 9,
  /** The permutation that places clients in a channel's link groups (`assignment: "shuffled"`). */
  linkGroups: 10,
  /** The fixed test subset that rounds before the last evaluate on (`evaluation.testLimit`), one client id per task. */
  evaluationSubset: 11,
} as const;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function combine(h: number, value: number): number {
  return fmix32((h ^ Math.imul(value | 0, 0x9e3779b1)) + 0x7f4a7c15);
}

/** The counter hash: a uniformly distributed uint32 for (key, index). */
export function counterHash(key: RandomKey, index: number): number {
  let h = fmix32(key.seed ^ 0x5bd1e995);
  h = combine(h, key.round);
  h = combine(h, key.client);
  h = combine(h, key.stream);
  // Indices above 2^32 are split so long vectors never wrap onto earlier draws.
  h = combine(h, index % 0x100000000);
  h = combine(h, Math.floor(index / 0x100000000));
  return h;
}

/** A uniform draw in [0, 1) with 24 bits of precision (exactly representable in float32). */
export function counterUniform(key: RandomKey, index: number): number {
  return (counterHash(key, index) >>> 8) / 16777216;
}

/** `count` consecutive uniform draws starting at `offset`. */
export function counterUniforms(key: RandomKey, count: number, offset = 0): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = counterUniform(key, offset + i);
  return out;
}

/**
 * Sequential draws on one key, for code that needs "the next number" (shuffles, sampling).
 * Still counter-based: the i-th draw is `counterUniform(key, i)`.
 */
export class RandomStream {
  private next = 0;
  constructor(readonly key: RandomKey) {}

  /** Next uniform in [0, 1). */
  uniform(): number {
    return counterUniform(this.key, this.next++);
  }

  /** Next integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal via Box–Muller (consumes two draws). */
  normal(): number {
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fisher–Yates shuffle of a copy of `items`. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** Gamma(shape, 1) by Marsaglia–Tsang, for Dirichlet draws. */
  gamma(shape: number): number {
    if (shape < 1) {
      const u = this.uniform();
      return this.gamma(shape + 1) * Math.pow(u === 0 ? Number.MIN_VALUE : u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** A draw from Dirichlet(alpha·1) of dimension `k`. */
  dirichlet(alpha: number, k: number): number[] {
    const g = Array.from({ length: k }, () => this.gamma(alpha));
    const sum = g.reduce((a, b) => a + b, 0);
    return sum > 0 ? g.map((v) => v / sum) : g.map(() => 1 / k);
  }
}
