import { indexLayout, type LayoutSlot, type ParameterSpec } from '@fedtune/core';

/** One LoRA-adapted module in a flat layout: where its A (`[r, in]`) and B (`[out, r]`) lie. */
export interface LoraPair {
  module: string;
  a: LayoutSlot;
  b: LayoutSlot;
  rank: number;
  inFeatures: number;
  outFeatures: number;
}

const A_SUFFIX = '.lora_A.weight';
const B_SUFFIX = '.lora_B.weight';

/**
 * The LoRA pairs of a layout in layout order, found by PEFT's key names
 * (`<module>.lora_A.weight`, `<module>.lora_B.weight`); other tensors, such as the head, are not
 * pairs. Works for any LoRA-family adapter that keeps PEFT's names and shapes.
 */
export function loraPairs(layout: readonly ParameterSpec[]): LoraPair[] {
  const indexed = indexLayout(layout);
  const pairs: LoraPair[] = [];
  for (const slot of indexed.slots) {
    if (!slot.spec.name.endsWith(A_SUFFIX)) continue;
    const module = slot.spec.name.slice(0, -A_SUFFIX.length);
    const b = indexed.byName.get(`${module}${B_SUFFIX}`);
    const [rank, inFeatures] = slot.spec.shape as [number, number];
    if (b === undefined || b.spec.shape[1] !== rank) continue;
    pairs.push({ module, a: slot, b, rank, inFeatures, outFeatures: b.spec.shape[0] as number });
  }
  return pairs;
}
