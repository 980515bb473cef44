/**
 * The `adapter_config.json` of a PEFT LoRA adapter for a Hugging Face causal language model or
 * sequence classifier, as PEFT's `LoraConfig` writes it, and the checks an import makes of one.
 */
import { CheckpointError, isFedtuneError } from '../../errors.js';
import { readTextFileWithin } from '../../io/readFileWithin.js';

/**
 * PEFT's task types fedtune writes: `CAUSAL_LM` for `AutoModelForCausalLM` (LoRA factors only),
 * `SEQ_CLS` for `AutoModelForSequenceClassification` (LoRA factors and the trained `score` head).
 */
export type HfPeftTaskType = 'CAUSAL_LM' | 'SEQ_CLS';

/** The fields of PEFT's `LoraConfig` fedtune writes for a Hugging Face base (PEFT fills the rest with defaults). */
export interface HfPeftAdapterConfig {
  peft_type: 'LORA';
  task_type: HfPeftTaskType;
  /** What the adapter was trained on: the model folder or config.json's `_name_or_path`, as the caller gives it. */
  base_model_name_or_path: string;
  inference_mode: true;
  r: number;
  lora_alpha: number;
  lora_dropout: 0;
  /** The adapted modules' full paths (`transformer.h.0.attn.c_attn`), which PEFT matches by suffix. */
  target_modules: string[];
  /** `null` for `CAUSAL_LM`; for `SEQ_CLS` the classifier names `PeftModelForSequenceClassification` adds, `["classifier", "score"]`. */
  modules_to_save: readonly string[] | null;
  bias: 'none';
  use_rslora: boolean;
  init_lora_weights: true;
  /** True for families whose linear modules are `Conv1D`s storing `[in, out]` (GPT-2): PEFT then transposes B·A when merging. */
  fan_in_fan_out: boolean;
}

/** What an import takes from an adapter_config.json. */
export interface HfPeftLoraSettings {
  rank: number;
  alpha: number;
  useRsLora: boolean;
  /** `target_modules`: a list PEFT matches by suffix, `all-linear`, or one regular expression it matches in full. */
  targetModules: readonly string[] | string;
}

/** PEFT's adapter_config.json is a few kilobytes; a larger file is not an adapter config. */
export const MAX_HF_PEFT_CONFIG_BYTES = 1024 * 1024;

const isEmpty = (value: unknown) =>
  value === undefined ||
  value === null ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && Object.keys(value as object).length === 0);

/**
 * Reads a PEFT LoRA adapter_config.json and returns what applying it needs. Settings that change
 * what the adapter computes and that fedtune does not apply (per-module ranks or alphas, DoRA,
 * trained biases, saved modules, layer subsets, a task other than causal LM) are refused rather
 * than ignored.
 *
 * @throws CheckpointError naming the file, the field and the fix.
 */
export function readHfPeftConfig(path: string): HfPeftLoraSettings {
  let text: string;
  try {
    text = readTextFileWithin(path, { what: 'a PEFT adapter config', maxBytes: MAX_HF_PEFT_CONFIG_BYTES, error: CheckpointError });
  } catch (error) {
    if (isFedtuneError(error)) throw error;
    throw new CheckpointError(`${path}: cannot be read (${(error as Error).message}); give the folder PEFT's save_pretrained wrote.`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(`${path}: cannot be read as JSON (${(error as Error).message}); save the adapter again.`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CheckpointError(`${path}: is not a JSON object; give the adapter_config.json PEFT saved.`);
  }
  const config = parsed as Record<string, unknown>;
  const refuse = (problem: string, fix: string) => new CheckpointError(`${path}: ${problem}; ${fix}.`);
  if (config['peft_type'] !== 'LORA') {
    throw refuse(`peft_type is ${JSON.stringify(config['peft_type'])}, not "LORA"`, 'only LoRA adapters can be applied');
  }
  const taskType = config['task_type'];
  if (taskType === 'SEQ_CLS') {
    throw refuse(
      'task_type is "SEQ_CLS": a sequence classifier, whose score head gives class logits rather than next-token ones',
      'load it in Python with PeftModel.from_pretrained over AutoModelForSequenceClassification, or give a CAUSAL_LM adapter to apply to a language model'
    );
  }
  if (taskType !== undefined && taskType !== null && taskType !== 'CAUSAL_LM') {
    throw refuse(`task_type is ${JSON.stringify(taskType)}`, 'only CAUSAL_LM adapters (no task head) can be applied to a language model');
  }
  const rank = config['r'];
  if (typeof rank !== 'number' || !Number.isSafeInteger(rank) || rank <= 0) {
    throw refuse(`r ${JSON.stringify(rank)} is not a positive integer`, 'save the adapter again');
  }
  const alpha = config['lora_alpha'];
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0) {
    throw refuse(`lora_alpha ${JSON.stringify(alpha)} is not a positive number`, 'save the adapter again');
  }
  const useRsLora = config['use_rslora'] ?? false;
  if (typeof useRsLora !== 'boolean') throw refuse(`use_rslora ${JSON.stringify(useRsLora)} is not true or false`, 'save the adapter again');
  for (const field of ['rank_pattern', 'alpha_pattern', 'modules_to_save', 'layers_to_transform', 'exclude_modules']) {
    if (!isEmpty(config[field])) {
      throw refuse(`${field} is ${JSON.stringify(config[field])}, which fedtune does not apply`, `use an adapter without ${field}`);
    }
  }
  if (config['use_dora'] === true) throw refuse('use_dora is true (a DoRA adapter)', 'use a plain LoRA adapter');
  if (config['lora_bias'] === true) throw refuse('lora_bias is true, which trains a bias of lora_B fedtune does not apply', 'use an adapter without lora_bias');
  const bias = config['bias'] ?? 'none';
  if (bias !== 'none') throw refuse(`bias is ${JSON.stringify(bias)}, which trains biases fedtune does not apply`, 'use an adapter with bias "none"');
  const targets = config['target_modules'];
  const isNameList = Array.isArray(targets) && targets.length > 0 && targets.every((name) => typeof name === 'string');
  if (!isNameList && (typeof targets !== 'string' || targets === '')) {
    throw refuse(`target_modules ${JSON.stringify(targets)} is neither a list of module names nor a regular expression`, 'save the adapter again');
  }
  return { rank, alpha, useRsLora, targetModules: targets as readonly string[] | string };
}
