import type { ComponentDescription } from '../contracts/componentManifest.js';
import { loraOptionsSchema } from '../model/adapters/loraOptions.js';
import { NO_OPTIONS } from './options.js';

// Core's adapters train through tfjs; their descriptions live here, apart from them, so that
// `fedtune list` can show them without loading tfjs.

/** The `lora` adapter, for `fedtune list`; its factory spreads this. */
export const loraAdapterDescription = {
  name: 'lora',
  plugin: '@fedtune/core',
  description: 'LoRA: low-rank factors B·A added to the targeted linear modules (rank and alpha in the adapter section)',
  optionsSchema: loraOptionsSchema,
} satisfies ComponentDescription;

/** The `head` adapter, for `fedtune list`; its factory spreads this. */
export const headOnlyAdapterDescription = {
  name: 'head',
  plugin: '@fedtune/core',
  description: 'trains a new classification head only; the base stays frozen',
  optionsSchema: NO_OPTIONS,
} satisfies ComponentDescription;
