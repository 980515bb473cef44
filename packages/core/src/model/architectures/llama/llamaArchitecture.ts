import type { HfArchitecture } from '../huggingface/hfArchitecture.js';
import { parseLlamaConfig, type LlamaConfig } from './llamaConfig.js';
import { createLlamaModel, LLAMA_ARCHITECTURE } from './llamaModel.js';
import { llamaCanonicalTensorName, llamaExpectedTensors } from './llamaTensors.js';

/**
 * The LLaMA family (`LlamaForCausalLM`) for the Hugging Face folder loader: RMSNorm pre-norm
 * blocks with unscaled rotary positions, grouped-query attention and a SiLU-gated MLP.
 */
export const llamaArchitecture: HfArchitecture<LlamaConfig> = {
  classNames: ['LlamaForCausalLM'],
  modelType: LLAMA_ARCHITECTURE,
  // PEFT's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING["llama"] (peft/utils/constants.py).
  defaultTargetModules: ['q_proj', 'v_proj'],
  fanInFanOut: false,
  parseConfig: parseLlamaConfig,
  canonicalTensorName: llamaCanonicalTensorName,
  expectedTensors: llamaExpectedTensors,
  maxContextLength: (config) => config.maxPositions,
  build: createLlamaModel,
};
