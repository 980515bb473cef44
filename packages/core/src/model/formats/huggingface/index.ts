export {
  HF_CONFIG_FILE,
  MAX_HF_CONFIG_BYTES,
  loadHfModel,
  type HfLoadOptions,
  type LoadedHfModel,
} from './loadHfModel.js';
export { MAX_HF_INDEX_BYTES, HF_WEIGHTS_FILE, HF_WEIGHTS_INDEX_FILE } from './hfWeightFiles.js';
export { HF_WEIGHT_DTYPES, type HfWeightDtype } from './hfTensorPlan.js';
export { MAX_HF_LAYERS } from '../../architectures/huggingface/hfConfigReader.js';
export {
  BUILT_IN_HF_ARCHITECTURES,
  hfArchitectureFor,
  registerHfArchitecture,
  supportedHfClassNames,
} from '../../architectures/huggingface/hfArchitectureRegistry.js';
