import type { HfArchitecture } from '../huggingface/hfArchitecture.js';
import { parseGpt2Config, type Gpt2Config } from './gpt2Config.js';
import { buildGpt2Model, GPT2_MODEL_TYPE } from './gpt2Model.js';
import { canonicalGpt2TensorName, gpt2ExpectedTensors } from './gpt2Tensors.js';

/**
 * Hugging Face's `GPT2LMHeadModel` (config.json `model_type` `gpt2`): checkpoints with or without
 * the `transformer.` prefix, tied or untied embeddings, the tanh or exact GELU. Its linear modules
 * are `transformer.h.<i>.attn.c_attn`, `.attn.c_proj`, `.mlp.c_fc`, `.mlp.c_proj`, then `lm_head`;
 * the blocks' `Conv1D` weights are held transposed, `[out, in]` (see {@link buildGpt2Model}).
 */
export const gpt2Architecture: HfArchitecture<Gpt2Config> = {
  classNames: ['GPT2LMHeadModel'],
  modelType: GPT2_MODEL_TYPE,
  // PEFT's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING["gpt2"] (peft/utils/constants.py): the fused q/k/v projection.
  defaultTargetModules: ['c_attn'],
  fanInFanOut: true,
  parseConfig: parseGpt2Config,
  canonicalTensorName: canonicalGpt2TensorName,
  expectedTensors: gpt2ExpectedTensors,
  maxContextLength: (config) => config.positions,
  build: buildGpt2Model,
};
