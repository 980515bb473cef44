import { ConfigError } from '../../errors.js';
import { hostFromFrozen, hostTensorsFromFrozen, type BaseModel, type HostLinear } from '../architectures/baseModel.js';
import type { CausalLanguageModel } from '../architectures/huggingface/hfArchitecture.js';
import { baseModelFromSafetensors } from './baseModelDecode.js';
import { readSafetensorsFile, writeSafetensorsFile, type TensorData } from './safetensors.js';

/**
 * Saves a base model as safetensors: `<module>.weight` (`[out, in]`) and `<module>.bias` per linear
 * module, the model's other frozen tensors (embeddings, norms) under their own names, and the
 * model's metadata (architecture settings and provenance) in `__metadata__`.
 *
 * @throws ConfigError for a model loaded from a Hugging Face folder: {@link loadBaseModel} reads
 *   fedtune's own architectures only, so such a model is loaded from its folder each time instead.
 */
export async function saveBaseModel(model: BaseModel, path: string): Promise<void> {
  refuseHfModel(model, path);
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
 * Loads a base model saved by {@link saveBaseModel} (see {@link baseModelFromSafetensors} for the checks).
 * @throws CheckpointError naming the file when it cannot be read or is not a valid base.
 */
export async function loadBaseModel(path: string): Promise<BaseModel> {
  return baseModelFromSafetensors(await readSafetensorsFile(path), path);
}

/** Every model of a Hugging Face family carries its config.json `model_type`; fedtune's own do not. */
function refuseHfModel(model: BaseModel, path: string): void {
  const modelType = (model as Partial<CausalLanguageModel>).modelType;
  if (typeof modelType !== 'string') return;
  throw new ConfigError(
    `Cannot save a ${modelType} model as a fedtune base file (${path}): it came from a Hugging Face model folder, which ` +
      "stays where it is as the model's file, and fedtune base files hold fedtune's own architectures only. Load it from " +
      'the folder again with loadHfModel(folder), or set model.base to the folder in an experiment.'
  );
}
