export { llamaArchitecture } from './llamaArchitecture.js';
export { parseLlamaConfig, type LlamaConfig } from './llamaConfig.js';
export { createLlamaModel, LLAMA_ARCHITECTURE } from './llamaModel.js';
export { llamaCanonicalTensorName, llamaExpectedTensors, llamaModules } from './llamaTensors.js';
