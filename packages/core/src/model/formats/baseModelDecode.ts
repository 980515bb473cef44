import { firstNonFiniteIndex } from '../../backend/boundaryChecks.js';
import { CheckpointError } from '../../errors.js';
import { architectureFor } from '../architectures/architectureRegistry.js';
import type { BaseModel, HostLinear, HostTensor } from '../architectures/baseModel.js';
import { optionalFloatTensor, rejectUnexpectedTensors, requireFloatTensor } from './checkpointTensors.js';
import type { SafetensorsContent } from './safetensorsCodec.js';

/**
 * Builds a base model from the decoded safetensors of a file saved by `saveBaseModel`. The metadata
 * names the architecture and its settings; every tensor is checked against the shapes they imply,
 * and a missing, misshapen or unexpected tensor is a `CheckpointError` naming `path` (where the
 * file came from) and the tensor.
 */
export function baseModelFromSafetensors(content: SafetensorsContent, path: string): BaseModel {
  const architecture = architectureFor(content.metadata['architecture'], path);
  const modules = architecture.modulesOf(content.metadata, path);
  const weights = new Map<string, HostLinear>();
  const expected = new Set<string>();
  for (const module of modules) {
    const weightKey = `${module.name}.weight`;
    const biasKey = `${module.name}.bias`;
    expected.add(weightKey).add(biasKey);
    weights.set(module.name, {
      weight: requireFloatTensor(content, weightKey, [module.outFeatures, module.inFeatures], path),
      bias: optionalFloatTensor(content, biasKey, [module.outFeatures], path),
    });
  }
  const others = new Map<string, HostTensor>();
  for (const [name, shape] of architecture.tensorShapesOf?.(content.metadata, path) ?? []) {
    expected.add(name);
    others.set(name, { shape, data: requireFloatTensor(content, name, shape, path) });
  }
  rejectUnexpectedTensors(content, expected, path);
  for (const [key, tensor] of content.tensors) {
    if (tensor.data instanceof Float32Array) rejectNonFiniteWeights(tensor.data, key, path);
  }
  return architecture.build(content.metadata, weights, others);
}

/**
 * A base holding NaN or ±Infinity makes every client's training diverge from its first step; it is
 * refused here, naming the tensor, rather than blamed on the learning rate round after round.
 */
function rejectNonFiniteWeights(values: Float32Array, key: string, path: string): void {
  const index = firstNonFiniteIndex(values);
  if (index < 0) return;
  throw new CheckpointError(
    `${path}: tensor "${key}" holds ${values[index]} at index ${index}; a base model's weights must be finite. ` +
      'The file is damaged or its pre-training diverged: pre-train it again (fedtune pretrain) or use another base.',
  );
}
