/**
 * Writes a LoRA adapter trained on a Hugging Face causal language model as PEFT saves one, so
 * `PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), folder)` loads it: keys
 * `base_model.model.<module path>.lora_A.weight` / `.lora_B.weight` with the family's module paths,
 * task type `CAUSAL_LM`, and no language-model head (the base's own head is used).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdapterInstance } from '../../contracts/adapter.js';
import { ConfigError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { checkFlatLength, indexLayout, slotValues, type IndexedLayout } from '../adapters/parameterLayout.js';
import { frozenOf } from '../architectures/baseModel.js';
import type { CausalLanguageModel } from '../architectures/huggingface/hfArchitecture.js';
import { formMismatch, PEFT_CONFIG_FILE, PEFT_KEY_PREFIX, PEFT_WEIGHTS_FILE } from './peft.js';
import { CONV1D_MODEL_TYPES, type HfPeftAdapterConfig } from './peftHfConfig.js';
import { writeSafetensorsFile, type TensorData } from './safetensors.js';

/** An adapter of a Hugging Face model to export. */
export interface HfPeftExportOptions {
  /** The model the adapter was trained on. */
  model: CausalLanguageModel;
  /** The instance the parameters belong to; it must have a PEFT LoRA form. */
  adapter: Pick<AdapterInstance, 'layout' | 'peftLora'>;
  /** Its flat parameters, laid out as `adapter.layout`. */
  parameters: Float32Array;
  /** `base_model_name_or_path`: the model folder, or config.json's `_name_or_path` (a Hub id). */
  baseModelNameOrPath: string;
}

/**
 * Refuses a head the adapter trained in full: a CAUSAL_LM adapter carries LoRA factors only, so
 * leaving out a head that differs from the base's would silently change the model.
 */
function checkHeadUnchanged(options: HfPeftExportOptions, indexed: IndexedLayout, head: string): void {
  const frozen = frozenOf(options.model.frozen, head);
  const base = { weight: frozen.weight.dataSync(), bias: frozen.bias?.dataSync() };
  for (const part of ['weight', 'bias'] as const) {
    const slot = indexed.byName.get(`${head}.${part}`);
    if (slot === undefined) continue;
    const trained = slotValues(options.parameters, slot);
    const reference = base[part];
    const unchanged =
      reference === undefined ? trained.every((value) => value === 0) : trained.length === reference.length && trained.every((value, i) => value === reference[i]);
    if (!unchanged) {
      throw new ConfigError(
        `Cannot export a CAUSAL_LM PEFT adapter: the adapter trained "${head}.${part}" in full, which such an adapter does not carry; train with the language-model head frozen, or export in fedtune's own layout.`
      );
    }
  }
}

/**
 * Writes `folder/adapter_config.json` and `folder/adapter_model.safetensors` for a LoRA adapter of
 * `options.model`, creating the folder; each file is written atomically. `fan_in_fan_out` is true
 * for GPT-2 (its `Conv1D`s store `[in, out]`), while lora_A stays `[r, in]` and lora_B `[out, r]`
 * for every family, as PEFT keeps them. A head the adapter trains is left out only when it still
 * equals the base's.
 *
 * @throws ConfigError for an adapter without a PEFT LoRA form, a form that does not fit its
 *   layout, a target the model lacks, or a trained head.
 */
export async function exportHfPeftAdapter(folder: string, options: HfPeftExportOptions): Promise<void> {
  const { model, adapter, parameters } = options;
  const form = adapter.peftLora;
  if (form === undefined) {
    throw new ConfigError("Cannot export a PEFT adapter: the adapter has no PEFT LoRA form (a head-only fine-tune has none); export LoRA-family adapters only.");
  }
  const mismatch = formMismatch(form, adapter.layout);
  if (mismatch !== undefined) {
    throw new ConfigError(`Cannot export a PEFT adapter: the adapter's PEFT LoRA form does not fit its layout: ${mismatch}; fix the adapter.`);
  }
  const indexed = indexLayout(adapter.layout);
  checkFlatLength(parameters, indexed, 'Adapter parameters');
  const modules = new Map(model.modules.map((module) => [module.name, module]));
  for (const saved of form.modulesToSave) {
    if (modules.get(saved)?.isHead !== true) {
      throw new ConfigError(`Cannot export a CAUSAL_LM PEFT adapter: it trains "${saved}" in full, which is not the model's head; export in fedtune's own layout.`);
    }
    checkHeadUnchanged(options, indexed, saved);
  }
  const tensors = new Map<string, TensorData>();
  for (const target of form.targetModules) {
    const module = modules.get(target);
    if (module === undefined || module.isHead) {
      throw new ConfigError(`Cannot export a PEFT adapter: target module "${target}" is not a linear module of this ${model.modelType} model; export it with the model it was trained on.`);
    }
    for (const [factor, shape] of [
      ['lora_A', [form.rank, module.inFeatures]],
      ['lora_B', [module.outFeatures, form.rank]],
    ] as const) {
      const name = `${target}.${factor}.weight`;
      const slot = indexed.byName.get(name);
      if (slot === undefined || slot.spec.shape.join() !== shape.join()) {
        throw new ConfigError(`Cannot export a PEFT adapter: "${name}" is not [${shape.join(', ')}] in the adapter's layout; export it with the model it was trained on.`);
      }
      tensors.set(PEFT_KEY_PREFIX + name, { shape: [...shape], data: slotValues(parameters, slot) });
    }
  }
  const config: HfPeftAdapterConfig = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: options.baseModelNameOrPath,
    inference_mode: true,
    r: form.rank,
    lora_alpha: form.alpha,
    lora_dropout: 0,
    target_modules: [...form.targetModules],
    modules_to_save: null,
    bias: 'none',
    use_rslora: form.useRsLora,
    init_lora_weights: true,
    fan_in_fan_out: CONV1D_MODEL_TYPES.has(model.modelType),
  };
  await mkdir(folder, { recursive: true });
  await writeSafetensorsFile(join(folder, PEFT_WEIGHTS_FILE), tensors, { format: 'pt' });
  await writeFileAtomic(join(folder, PEFT_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}
