export * from './safetensors.js';
export { float16ToFloat32, bfloat16ToFloat32 } from './halfFloat.js';
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
} from './baseModel.js';
export type { Architecture } from './architecture.js';
export { architectureFor, registerArchitecture } from './architectureRegistry.js';
export * from './mlp.js';
export * from './transformer.js';
export * from './baseModelFile.js';
export * from './baseModelDecode.js';
export { indexLayout, type IndexedLayout, type LayoutSlot } from './parameterLayout.js';
export { gatherSlice, nestedSliceIndices, scatterSlice } from './nestedSlice.js';
export { paramTensor } from './adapterParams.js';
export { TrainableHead } from './trainableHead.js';
export * from './lora.js';
export * from './headOnly.js';
export * from './peft.js';
export * from './peftBase.js';
export * from './tfBackend.js';
export { locateWasmAt, selectTfBackend } from './tfBackendSelect.js';
export * from './tfGradients.js';
export * from './trainer.js';
export * from './pretrain.js';
export * from './transformerPretrain.js';
export * from './embeddedBase.js';
export * from './embeddedBaseNames.js';
