import { ReferenceBackend, type LinearModuleInfo, type ParameterSpec, type RandomKey } from '@fedtune/core';

export const backend = new ReferenceBackend();

/** The initialisation key the engine would hand an adapter. */
export const initRandom: RandomKey = { seed: 3, round: 0, client: 0, stream: 5 };

/** A base with two adapted modules (in → hidden → hidden) and a head, as an MLP exposes them. */
export function smallMlpModules(inFeatures = 6, hidden = 5, classes = 3): LinearModuleInfo[] {
  return [
    { name: 'fc1', inFeatures, outFeatures: hidden, isHead: false },
    { name: 'fc2', inFeatures: hidden, outFeatures: hidden, isHead: false },
    { name: 'head', inFeatures: hidden, outFeatures: classes, isHead: true },
  ];
}

/** A LoRA layout of one module `fc` with A `[rank, in]` and B `[out, rank]`. */
export function singlePairLayout(rank: number, inFeatures: number, outFeatures: number): ParameterSpec[] {
  return [
    { name: 'fc.lora_A.weight', shape: [rank, inFeatures] },
    { name: 'fc.lora_B.weight', shape: [outFeatures, rank] },
  ];
}

/** ΔW = scale·B·A formed explicitly, `[out, in]` row-major, in float64. */
export function explicitDelta(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rank: number,
  inFeatures: number,
  outFeatures: number,
  scale: number
): Float64Array {
  const delta = new Float64Array(outFeatures * inFeatures);
  for (let o = 0; o < outFeatures; o++)
    for (let k = 0; k < rank; k++)
      for (let i = 0; i < inFeatures; i++)
        delta[o * inFeatures + i]! += scale * (b[o * rank + k] as number) * (a[k * inFeatures + i] as number);
  return delta;
}
