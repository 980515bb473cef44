export { llamaArchitecture } from './llamaArchitecture.js';
export { MAX_LLAMA_LAYERS, parseLlamaConfig, type LlamaConfig } from './llamaConfig.js';
export { createLlamaModel, LLAMA_ARCHITECTURE } from './llamaModel.js';
export { llamaCanonicalTensorName, llamaExpectedTensors, llamaModules } from './llamaTensors.js';
