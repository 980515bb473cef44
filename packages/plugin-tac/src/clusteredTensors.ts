import { FedtuneError, type ParameterSpec } from '@fedtune/core';

/** A contiguous run of the flat parameter vector. */
export interface VectorRange {
  offset: number;
  size: number;
}

const LORA_FACTOR = /\.lora_[AB]\./;

/**
 * The parts of the flat adapter vector the server clusters on: every LoRA A and B tensor of the
 * layout (PEFT names `<module>.lora_A.weight`, `<module>.lora_B.weight`), or with `includeHead` the
 * whole vector (the classification head too, as the reference code does).
 *
 * @throws FedtuneError when LoRA tensors are asked for and there is no layout or no LoRA tensor in it.
 */
export function clusteredRanges(layout: readonly ParameterSpec[] | undefined, length: number, includeHead: boolean): VectorRange[] {
  if (includeHead) return [{ offset: 0, size: length }];
  if (layout === undefined) {
    throw new FedtuneError('tac: clustering on the LoRA tensors needs the adapter layout in the aggregation context');
  }
  const ranges: VectorRange[] = [];
  let offset = 0;
  for (const spec of layout) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (LORA_FACTOR.test(spec.name)) ranges.push({ offset, size });
    offset += size;
  }
  if (ranges.length === 0) {
    throw new FedtuneError(
      `tac: the adapter has no LoRA A/B tensors (it has ${layout.map((s) => s.name).join(', ')}); set the option includeHead to cluster on every trained tensor`,
    );
  }
  return ranges;
}

/** The `ranges` of each vector, one row per vector, as an n×d row-major matrix. */
export function featureRows(vectors: readonly Float32Array[], ranges: readonly VectorRange[]): { rows: Float32Array; dimension: number } {
  const dimension = ranges.reduce((d, range) => d + range.size, 0);
  const rows = new Float32Array(vectors.length * dimension);
  vectors.forEach((vector, i) => {
    let column = i * dimension;
    for (const { offset, size } of ranges) {
      rows.set(vector.subarray(offset, offset + size), column);
      column += size;
    }
  });
  return { rows, dimension };
}
