/**
 * What `this` is inside a gpu.js kernel. Kernel sources are plain functions that gpu.js reads with
 * `toString` and translates to GLSL (or WebAssembly, or runs as JavaScript): they may use only
 * their arguments, `this.thread`, `this.constants`, arithmetic, `Math.*`, `if`, `for` and `return`
 * — no closures, no imports, no helpers from outside the function.
 */
export interface ThreadContext {
  readonly thread: { readonly x: number; readonly y: number; readonly z: number };
  readonly constants: Readonly<Record<string, number>>;
}

/**
 * The value an integer-output kernel writes where float32 cannot decide the exact result (an
 * input read as zero that may be subnormal, or a value within rounding distance of a floor or
 * comparison boundary); the host then computes that element exactly in float64. 2^24 lies
 * outside every code range a kernel produces on the GPU and is exact in float32.
 */
export const UNDECIDED = 16777216;

/**
 * Relative error budget of the quantisers' float32 decisions: a factor rounded to float32, one
 * product and one subtraction each round by at most 2^-24, about 2^-22.4 together; 2^-19 leaves
 * ten times that for GPUs that contract or round a little differently. Elements within it of a
 * boundary are decided on the host.
 */
export const RELATIVE_MARGIN = 2 ** -19;

/**
 * Absolute error budget of the grid quantiser's decisions near the grid's centre: the reference's
 * float64 (x − c + R + τR)/(2τR) absorbs an x − c below R's last bit, which moves its quotient by
 * up to 2^(bits−53) ≤ 2^-37, and a float32 fraction just below 1 rounds to 1 (2^-24).
 */
export const ABSOLUTE_MARGIN = 2 ** -22;
