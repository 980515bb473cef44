import type { RandomStream } from '../../random/counterRandom.js';

/**
 * The bound of PyTorch's default `nn.Linear` initialisation (kaiming-uniform with a = √5), which
 * PEFT also uses for `lora_A`: U(−1/√fan_in, 1/√fan_in), for weights and biases alike.
 */
export function linearInitBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}

/** `count` draws from U(−bound, bound), taken in order from `stream`. */
export function symmetricUniform(stream: RandomStream, count: number, bound: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (2 * stream.uniform() - 1) * bound;
  return out;
}
