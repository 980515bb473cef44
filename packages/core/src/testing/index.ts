/**
 * `@fedtune/core/testing`: the backend conformance kit, the checks every plugin runs (its
 * descriptor, resume equality), and writers of tiny Hugging Face model folders (GPT-2 weights, a
 * byte-level BPE tokenizer, raw safetensors) for tests that load them. The backend kit needs the
 * optional peer dependencies `vitest` and `fast-check`.
 */
import 'reflect-metadata';

export { describeBackendConformance, type ConformanceOptions } from './conformance.js';
export { assertPluginDescriptor, type PluginDescriptorExpectations } from './pluginDescriptor.js';
export {
  FLOAT_TOLERANCES,
  axpyExpectation,
  dotExpectation,
  gridDequantizeExpectation,
  maskedApplyExpectation,
  matmulExpectation,
  norm2Expectation,
  normInfExpectation,
  pairwiseCosineExpectation,
  pairwiseSquaredEuclideanExpectation,
  scaleExpectation,
  stochasticDequantizeExpectation,
  weightedSumExpectation,
  type Expectation,
  type FloatKernel,
} from './tolerances.js';
export {
  assertIdentical,
  assertSameError,
  assertWithinTolerance,
  thrownBy,
  type FloatResult,
  type ThrownError,
} from './checks.js';
export { buildVector, buildMatrix, VALUE_PROFILES, type ValueProfile, type VectorRecipe } from './values.js';
export {
  readRunRecords,
  runStoppedAndResumed,
  type ResumeCheckInput,
  type ResumeCheckResult,
  type RunRecord,
} from './resumeCheck.js';
export {
  GPT2_TEST_SIZES,
  gpt2CheckpointTensors,
  gpt2ConfigJson,
  writeGpt2Folder,
  writeGpt2ModelFolder,
  type Gpt2FolderOptions,
} from './gpt2Folder.js';
export {
  BOS_TEMPLATE,
  LLAMA_STYLE_CONFIG,
  TINY_MERGES,
  TINY_VOCAB,
  tinyTokenizerJson,
  writeTokenizerFolder,
} from './tinyTokenizer.js';
export { f32Bytes, float16Bits, rawSafetensors, u16Bytes, type RawTensor } from './rawSafetensors.js';
