/**
 * Writes a LoRA adapter trained on a Hugging Face causal language model as PEFT saves one, with the
 * family's module paths in keys `base_model.model.<module path>.lora_A.weight` / `.lora_B.weight`.
 * A `CAUSAL_LM` adapter carries no head (the base's LM head is used), so
 * `PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), folder)` loads it. A
 * `SEQ_CLS` adapter carries the trained classification head as transformers'
 * `…ForSequenceClassification` names it, `base_model.model.score.weight`, so
 * `PeftModel.from_pretrained(AutoModelForSequenceClassification.from_pretrained(base, num_labels=K), folder)`
 * loads it.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdapterInstance } from '../../contracts/adapter.js';
import { ConfigError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { checkFlatLength, indexLayout, slotValues, type IndexedLayout, type LayoutSlot } from '../adapters/parameterLayout.js';
import { frozenOf, headModule } from '../architectures/baseModel.js';
import type { CausalLanguageModel } from '../architectures/huggingface/hfArchitecture.js';
import { hfArchitectureOfModelType } from '../architectures/huggingface/hfArchitectureRegistry.js';
import { formMismatch, PEFT_CONFIG_FILE, PEFT_KEY_PREFIX, PEFT_WEIGHTS_FILE } from './peft.js';
import type { HfPeftAdapterConfig, HfPeftTaskType } from './peftHfConfig.js';
import { writeSafetensorsFile, type TensorData } from './safetensors.js';

/** transformers' `…ForSequenceClassification` head, `Linear(hidden, num_labels, bias=False)`, which a trained classifier becomes. */
const SCORE_MODULE = 'score';

/** The classifier names `PeftModelForSequenceClassification` adds to `modules_to_save`, as PEFT then saves them. */
const SEQ_CLS_MODULES_TO_SAVE: readonly string[] = ['classifier', SCORE_MODULE];

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
  /**
   * `CAUSAL_LM` (the default): LoRA factors only, the base's LM head unchanged. `SEQ_CLS`: LoRA
   * factors and the classification head the adapter trained, a weight without a bias.
   */
  taskType?: HfPeftTaskType;
}

/**
 * Why PEFT's `taskType` layout cannot hold `adapter` trained on `model`, or `undefined` when it can
 * (the values are not looked at: a `CAUSAL_LM` export still refuses a trained LM head that differs
 * from the base's). The reason names the problem and the fix. `SEQ_CLS` needs the adapter to train
 * the model's head, and nothing else, as transformers' `score`: `[classes, hidden]`, no bias.
 */
export function hfPeftExportRefusal(
  model: CausalLanguageModel,
  adapter: Pick<AdapterInstance, 'layout' | 'peftLora'>,
  taskType: HfPeftTaskType
): string | undefined {
  const form = adapter.peftLora;
  if (form === undefined) return 'the adapter has no PEFT LoRA form (a head-only fine-tune has none); export LoRA-family adapters only';
  const mismatch = formMismatch(form, adapter.layout);
  if (mismatch !== undefined) return `the adapter's PEFT LoRA form does not fit its layout: ${mismatch}; fix the adapter`;
  const indexed = indexLayout(adapter.layout);
  const modules = new Map(model.modules.map((module) => [module.name, module]));
  for (const target of form.targetModules) {
    const module = modules.get(target);
    if (module === undefined || module.isHead) {
      return `target module "${target}" is not a linear module of this ${model.modelType} model; export it with the model it was trained on`;
    }
    for (const [factor, shape] of [
      ['lora_A', [form.rank, module.inFeatures]],
      ['lora_B', [module.outFeatures, form.rank]],
    ] as const) {
      const name = `${target}.${factor}.weight`;
      if (indexed.byName.get(name)?.spec.shape.join() !== shape.join()) {
        return `"${name}" is not [${shape.join(', ')}] in the adapter's layout; export it with the model it was trained on`;
      }
    }
  }
  const head = headModule(model.modules);
  const others = form.modulesToSave.filter((saved) => saved !== head.name);
  if (others.length > 0) {
    return `it trains "${others.join('", "')}" in full, which is not the model's head; export in fedtune's own layout`;
  }
  if (taskType === 'CAUSAL_LM') return undefined;
  if (form.modulesToSave.length === 0) {
    return `it trains no classification head, which a SEQ_CLS adapter carries as "${SCORE_MODULE}"; train the head for the task, or export it as CAUSAL_LM`;
  }
  const weight = indexed.byName.get(`${head.name}.weight`)?.spec.shape;
  if (weight?.length !== 2 || weight[1] !== head.inFeatures) {
    return `its head "${head.name}.weight" is not [classes, ${head.inFeatures}] in the adapter's layout; export it with the model it was trained on`;
  }
  if (indexed.byName.has(`${head.name}.bias`)) {
    return (
      `its head trains a bias "${head.name}.bias", which transformers' "${SCORE_MODULE}" (Linear(hidden, num_labels, bias=False)) lacks; ` +
      "train the head without a bias (AdapterOptions.headWithoutBias), or export in fedtune's own layout"
    );
  }
  return undefined;
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
 * `options.model`, creating the folder; each file is written atomically. `fan_in_fan_out` is the
 * model family's (`HfArchitecture.fanInFanOut`: true for GPT-2, whose `Conv1D`s store `[in, out]`), while lora_A stays `[r, in]` and lora_B `[out, r]`
 * for every family, as PEFT keeps them. A `CAUSAL_LM` export leaves out a head the adapter trains
 * only when it still equals the base's. A `SEQ_CLS` export writes the trained head as
 * `base_model.model.score.weight` and `modules_to_save` `["classifier", "score"]`, as
 * `PeftModelForSequenceClassification` saves them; its logits are the ones fedtune computes, the
 * head applied to the final norm's output at each row's last real token.
 *
 * @throws ConfigError for an adapter PEFT's layout for the task cannot hold (see
 *   {@link hfPeftExportRefusal}) or a trained LM head in a `CAUSAL_LM` export.
 */
export async function exportHfPeftAdapter(folder: string, options: HfPeftExportOptions): Promise<void> {
  const { model, adapter, parameters } = options;
  const taskType = options.taskType ?? 'CAUSAL_LM';
  const refusal = hfPeftExportRefusal(model, adapter, taskType);
  const form = adapter.peftLora;
  if (refusal !== undefined || form === undefined) throw new ConfigError(`Cannot export a ${taskType} PEFT adapter: ${refusal}.`);
  const indexed = indexLayout(adapter.layout);
  checkFlatLength(parameters, indexed, 'Adapter parameters');
  const tensors = new Map<string, TensorData>();
  // hfPeftExportRefusal found every tensor written here in the layout.
  const save = (key: string, name: string) => {
    const slot = indexed.byName.get(name) as LayoutSlot;
    tensors.set(PEFT_KEY_PREFIX + key, { shape: [...slot.spec.shape], data: slotValues(parameters, slot) });
  };
  for (const target of form.targetModules) {
    for (const factor of ['lora_A', 'lora_B']) save(`${target}.${factor}.weight`, `${target}.${factor}.weight`);
  }
  const head = headModule(model.modules).name;
  if (taskType === 'SEQ_CLS') {
    save(`${SCORE_MODULE}.weight`, `${head}.weight`);
  } else if (form.modulesToSave.includes(head)) {
    checkHeadUnchanged(options, indexed, head);
  }
  const config: HfPeftAdapterConfig = {
    peft_type: 'LORA',
    task_type: taskType,
    base_model_name_or_path: options.baseModelNameOrPath,
    inference_mode: true,
    r: form.rank,
    lora_alpha: form.alpha,
    lora_dropout: 0,
    target_modules: [...form.targetModules],
    modules_to_save: taskType === 'SEQ_CLS' ? [...SEQ_CLS_MODULES_TO_SAVE] : null,
    bias: 'none',
    use_rslora: form.useRsLora,
    init_lora_weights: true,
    fan_in_fan_out: hfArchitectureOfModelType(model.modelType)?.fanInFanOut === true,
  };
  await mkdir(folder, { recursive: true });
  await writeSafetensorsFile(join(folder, PEFT_WEIGHTS_FILE), tensors, { format: 'pt' });
  await writeFileAtomic(join(folder, PEFT_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}
