export * from './formats/safetensors.js';
export { float16ToFloat32, bfloat16ToFloat32 } from './formats/halfFloat.js';
export {
  affine,
  disposeFrozen,
  frozenFromHost,
  frozenLinear,
  headModule,
  hostFromFrozen,
  hostTensorsFromFrozen,
  timesTransposed,
  type BaseModel,
  type HostLinear,
  type HostTensor,
  type LinearFunction,
} from './architectures/baseModel.js';
export type { Architecture } from './architectures/architecture.js';
export { architectureFor, architectureNames, registerArchitecture } from './architectures/architectureRegistry.js';
export * from './architectures/mlp.js';
export * from './architectures/transformer.js';
export * from './formats/baseModelFile.js';
export * from './formats/baseModelDecode.js';
export { indexLayout, type IndexedLayout, type LayoutSlot } from './adapters/parameterLayout.js';
export { gatherSlice, nestedSliceIndices, scatterSlice } from './adapters/nestedSlice.js';
export { paramTensor } from './adapters/adapterParams.js';
export { TrainableHead } from './adapters/trainableHead.js';
export * from './adapters/lora.js';
export * from './adapters/headOnly.js';
export * from './formats/peft.js';
export * from './formats/peftBase.js';
export * from './formats/peftHfConfig.js';
export * from './formats/peftHfExport.js';
export * from './formats/peftHfAdapter.js';
export * from './training/tfBackend.js';
export { locateWasmAt, selectTfBackend } from './training/tfBackendSelect.js';
export * from './training/tfGradients.js';
export * from './training/trainer.js';
export * from './training/pretrain.js';
export * from './training/transformerPretrain.js';
export * from './formats/embeddedBase.js';
export * from './formats/embeddedBaseNames.js';
export * from './architectures/gpt2/index.js';
export * from './architectures/llama/index.js';
export * from './formats/huggingface/index.js';
export * from './scoring/index.js';
export {
  HF_PAD_ID,
  type CausalLanguageModel,
  type ExpectedTensor,
  type HfArchitecture,
} from './architectures/huggingface/hfArchitecture.js';
