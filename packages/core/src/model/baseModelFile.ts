import { hostFromFrozen, hostTensorsFromFrozen, type BaseModel, type HostLinear, type HostTensor } from './baseModel.js';
import { architectureFor } from './architectureRegistry.js';
import { optionalFloatTensor, rejectUnexpectedTensors, requireFloatTensor } from './checkpointTensors.js';
import { readSafetensorsFile, writeSafetensorsFile, type TensorData } from './safetensors.js';

/**
 * Saves a base model as safetensors: `<module>.weight` (`[out, in]`) and `<module>.bias` per linear
 * module, the model's other frozen tensors (embeddings, norms) under their own names, and the
 * model's metadata (architecture settings and provenance) in `__metadata__`.
 */
export async function saveBaseModel(model: BaseModel, path: string): Promise<void> {
  const tensors = new Map<string, TensorData>();
  const host = hostFromFrozen(model);
  for (const module of model.modules) {
    const { weight, bias } = host.get(module.name) as HostLinear;
    tensors.set(`${module.name}.weight`, { shape: [module.outFeatures, module.inFeatures], data: weight });
    if (bias !== undefined) tensors.set(`${module.name}.bias`, { shape: [module.outFeatures], data: bias });
  }
  for (const [name, tensor] of hostTensorsFromFrozen(model)) tensors.set(name, tensor);
  await writeSafetensorsFile(path, tensors, { ...model.metadata, architecture: model.architecture });
}

/**
 * Loads a base model saved by {@link saveBaseModel}. The metadata names the architecture and its
 * settings; every tensor is checked against the shapes they imply, and a missing, misshapen or
 * unexpected tensor is a `CheckpointError` naming the file and the tensor.
 */
export async function loadBaseModel(path: string): Promise<BaseModel> {
  const content = await readSafetensorsFile(path);
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
  return architecture.build(content.metadata, weights, others);
}
