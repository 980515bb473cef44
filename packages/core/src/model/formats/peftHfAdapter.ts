/**
 * Applies a PEFT LoRA adapter saved for a Hugging Face causal language model, without merging it:
 * each target module computes y = frozen(x) + s·(x·Aᵀ)·Bᵀ, as PEFT's LoRA layers do, so the
 * frozen weights other users of the model share stay as they are.
 */
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import type { LinearModuleInfo } from '../../contracts/adapter.js';
import { CheckpointError } from '../../errors.js';
import { targetKeyMatches } from '../adapters/targetModules.js';
import { loraScale } from '../adapters/lora.js';
import { frozenLinear, frozenOf, timesTransposed, type LinearFunction } from '../architectures/baseModel.js';
import type { CausalLanguageModel } from '../architectures/huggingface/hfArchitecture.js';
import { rejectUnexpectedTensors, requireFloatTensor } from './checkpointTensors.js';
import { PEFT_CONFIG_FILE, PEFT_KEY_PREFIX, PEFT_WEIGHTS_FILE } from './peft.js';
import { readHfPeftConfig, type HfPeftLoraSettings } from './peftHfConfig.js';
import { readSafetensorsFile } from './safetensors.js';

/** A PEFT LoRA adapter loaded for one model. */
export interface HfPeftAdapter {
  /** What adapter_config.json says. */
  readonly settings: HfPeftLoraSettings;
  /** The update's scale: α/r, or α/√r with `use_rslora`. */
  readonly scale: number;
  /** The adapted modules' full paths, in model order. */
  readonly targetModules: readonly string[];
  /** The model's linear modules with the adapter's update added to the targets; pass it to `forward` or `positionLogits`. */
  readonly linear: LinearFunction;
  /** Releases the adapter's tensors. */
  dispose(): void;
}

/** Modules shown when a target matches none. */
const NAMES_SHOWN = 8;

/** PEFT's `target_modules` for every linear module but the output layer. */
const ALL_LINEAR = 'all-linear';

/**
 * The non-head modules `targets` selects, as PEFT selects them: a list by suffix, `all-linear` as
 * every one, another string as a regular expression matched against the whole module path.
 */
function selectTargets(model: CausalLanguageModel, targets: readonly string[] | string, configPath: string): LinearModuleInfo[] {
  const candidates = model.modules.filter((module) => !module.isHead);
  const names = candidates.map((module) => module.name);
  const shown = names.slice(0, NAMES_SHOWN).join(', ') + (names.length > NAMES_SHOWN ? ', …' : '');
  if (targets === ALL_LINEAR) return candidates;
  if (typeof targets === 'string') {
    let pattern: RegExp;
    try {
      pattern = new RegExp(`^(?:${targets})$`);
    } catch (error) {
      throw new CheckpointError(`${configPath}: target_modules ${JSON.stringify(targets)} is not a valid regular expression; save the adapter again.`, { cause: error });
    }
    const selected = candidates.filter((module) => pattern.test(module.name));
    if (selected.length === 0) {
      throw new CheckpointError(
        `${configPath}: target_modules ${JSON.stringify(targets)} matches no module of this ${model.modelType} model (modules: ${shown}); use the adapter saved for this model.`
      );
    }
    return selected;
  }
  for (const key of targets) {
    if (!candidates.some((module) => targetKeyMatches(key, module.name))) {
      throw new CheckpointError(
        `${configPath}: target module "${key}" matches no module of this ${model.modelType} model (modules: ${shown}); use the adapter saved for this model.`
      );
    }
  }
  return candidates.filter((module) => targets.some((key) => targetKeyMatches(key, module.name)));
}

/**
 * Loads the PEFT LoRA adapter in `folder` (adapter_config.json, adapter_model.safetensors, as
 * `PeftModel.save_pretrained` writes them) for `model`. Every target module must exist, and the file
 * must hold exactly `base_model.model.<module>.lora_A.weight` `[r, in]` and `….lora_B.weight`
 * `[out, r]` for each (the shapes PEFT gives GPT-2's `Conv1D`s too: `fan_in_fan_out` only
 * transposes the merged update, so it is not needed here).
 *
 * @throws CheckpointError naming the file and the problem: a target that matches no module, a
 *   missing, misshapen or unexpected tensor, an `r` that disagrees with the tensors, or a setting
 *   fedtune does not apply (see {@link readHfPeftConfig}).
 */
export async function loadHfPeftAdapter(folder: string, model: CausalLanguageModel): Promise<HfPeftAdapter> {
  const configPath = join(folder, PEFT_CONFIG_FILE);
  const settings = readHfPeftConfig(configPath);
  const targets = selectTargets(model, settings.targetModules, configPath);
  const weightsPath = join(folder, PEFT_WEIGHTS_FILE);
  const content = await readSafetensorsFile(weightsPath);
  const { rank } = settings;
  const host = targets.map((module) => {
    const aKey = `${PEFT_KEY_PREFIX}${module.name}.lora_A.weight`;
    const bKey = `${PEFT_KEY_PREFIX}${module.name}.lora_B.weight`;
    const stored = content.tensors.get(aKey);
    if (stored !== undefined && stored.shape.length === 2 && stored.shape[1] === module.inFeatures && stored.shape[0] !== rank) {
      throw new CheckpointError(
        `${weightsPath}: tensor "${aKey}" has rank ${stored.shape[0]} but ${configPath} says r is ${rank}; save the adapter again, config and weights together.`
      );
    }
    return {
      module,
      a: requireFloatTensor(content, aKey, [rank, module.inFeatures], weightsPath),
      b: requireFloatTensor(content, bKey, [module.outFeatures, rank], weightsPath),
      keys: [aKey, bKey],
    };
  });
  rejectUnexpectedTensors(content, new Set(host.flatMap(({ keys }) => keys)), weightsPath);
  const scale = loraScale(rank, settings.alpha, settings.useRsLora);
  const factors = new Map(
    host.map(({ module, a, b }) => [
      module.name,
      { a: tf.tensor2d(a, [rank, module.inFeatures]), b: tf.tensor2d(b, [module.outFeatures, rank]) },
    ])
  );
  const linear: LinearFunction = (module, x) => {
    const frozen = frozenLinear(x, frozenOf(model.frozen, module.name));
    const factor = factors.get(module.name);
    if (factor === undefined) return frozen;
    // Scaling the [batch, r] product is cheaper than scaling either the input or the output.
    const down = tf.mul<tf.Tensor2D>(timesTransposed(x, factor.a), scale);
    return tf.add<tf.Tensor2D>(frozen, timesTransposed(down, factor.b));
  };
  return {
    settings,
    scale,
    targetModules: targets.map((module) => module.name),
    linear,
    dispose: () => {
      for (const { a, b } of factors.values()) {
        a.dispose();
        b.dispose();
      }
    },
  };
}
