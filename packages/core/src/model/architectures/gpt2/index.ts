export { gpt2Architecture } from './gpt2Architecture.js';
export { GPT2_ACTIVATIONS, parseGpt2Config, type Gpt2Activation, type Gpt2Config } from './gpt2Config.js';
export { buildGpt2Model, GPT2_MODEL_TYPE, type Gpt2BuildOptions } from './gpt2Model.js';
export { canonicalGpt2TensorName, gpt2ExpectedTensors } from './gpt2Tensors.js';
