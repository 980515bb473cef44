/**
 * Adapters in PEFT's on-disk layout, so `PeftModel.from_pretrained(base, folder)` can load what
 * fedtune trained: `adapter_config.json` plus `adapter_model.safetensors` whose keys are the flat
 * layout's names under `base_model.model.` (PEFT strips the adapter name, and
 * `modules_to_save.<adapter>.` for saved modules, so the head is `base_model.model.head.weight`).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParameterSpec } from '../contracts/adapter.js';
import { CheckpointError, ConfigError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { rejectUnexpectedTensors, requireFloatTensor } from './checkpointTensors.js';
import { checkFlatLength, indexLayout, slotValues } from './parameterLayout.js';
import { readSafetensorsFile, writeSafetensorsFile, type TensorData } from './safetensors.js';

/** PEFT's adapter configuration file name. */
export const PEFT_CONFIG_FILE = 'adapter_config.json';
/** PEFT's adapter weights file name. */
export const PEFT_WEIGHTS_FILE = 'adapter_model.safetensors';
/** The prefix PEFT's saved keys carry (`PeftModel.base_model.model` is the wrapped network). */
export const PEFT_KEY_PREFIX = 'base_model.model.';

/** The `adapter_config.json` fedtune writes (PEFT fills every other field with its default). */
export interface PeftAdapterConfig {
  peft_type: 'LORA';
  task_type: null;
  base_model_name_or_path: string | null;
  inference_mode: true;
  r: number;
  lora_alpha: number;
  lora_dropout: 0;
  target_modules: string[];
  modules_to_save: string[];
  bias: 'none';
  use_rslora: boolean;
  init_lora_weights: true;
  fan_in_fan_out: false;
}

/** An adapter to export: its flat layout and values, and what the layout does not say. */
export interface PeftExportOptions {
  layout: readonly ParameterSpec[];
  parameters: Float32Array;
  alpha: number;
  useRsLora?: boolean;
  /** Written as `base_model_name_or_path` (default `null`). */
  baseModelNameOrPath?: string | null;
}

/** The LoRA structure a flat layout encodes. */
interface PeftStructure {
  rank: number;
  targetModules: string[];
  modulesToSave: string[];
}

const LORA_A = /^(.+)\.lora_A\.weight$/;
const LORA_B = /^(.+)\.lora_B\.weight$/;
const SAVED_MODULE = /^(.+)\.(weight|bias)$/;

/** Reads rank, targets and saved modules off a layout, or says why PEFT's LoRA cannot express it. */
function peftStructure(layout: readonly ParameterSpec[]): PeftStructure | string {
  const ranks = new Map<string, number>();
  const targetModules: string[] = [];
  const modulesToSave: string[] = [];
  for (const spec of layout) {
    const a = LORA_A.exec(spec.name);
    const b = LORA_B.exec(spec.name);
    const saved = SAVED_MODULE.exec(spec.name);
    if (a !== null) {
      targetModules.push(a[1] as string);
      ranks.set(a[1] as string, spec.shape[0] as number);
    } else if (b !== null) {
      if (ranks.get(b[1] as string) !== spec.shape[1]) {
        return `layout tensor "${spec.name}" has no matching lora_A of the same rank before it`;
      }
    } else if (saved !== null) {
      if (!modulesToSave.includes(saved[1] as string)) modulesToSave.push(saved[1] as string);
    } else {
      return `layout tensor "${spec.name}" has no place in PEFT's LoRA layout (only <module>.lora_A/.lora_B.weight and saved modules' weight/bias do)`;
    }
  }
  const distinctRanks = [...new Set(ranks.values())];
  if (distinctRanks.length === 0) return 'the layout has no LoRA tensors (a head-only adapter has no PEFT LoRA form)';
  if (distinctRanks.length > 1) return `the layout mixes LoRA ranks ${distinctRanks.join(', ')}`;
  return { rank: distinctRanks[0] as number, targetModules, modulesToSave };
}

/** Whether a flat layout can be written in PEFT's LoRA layout (LoRA-family adapters can; head-only cannot). */
export function isPeftExportable(layout: readonly ParameterSpec[]): boolean {
  return typeof peftStructure(layout) !== 'string';
}

/**
 * Writes an adapter's flat parameters to `folder` in PEFT's layout, creating the folder. Both
 * files are written atomically. A layout PEFT's LoRA cannot express is a {@link ConfigError}.
 */
export async function exportPeftAdapter(folder: string, options: PeftExportOptions): Promise<void> {
  const { layout, parameters } = options;
  const structure = peftStructure(layout);
  if (typeof structure === 'string') {
    throw new ConfigError(`Cannot export in PEFT's layout: ${structure}; export LoRA-family adapters only.`);
  }
  const indexed = indexLayout(layout);
  checkFlatLength(parameters, indexed, 'Adapter parameters');
  if (!Number.isFinite(options.alpha) || options.alpha <= 0) {
    throw new ConfigError(`LoRA alpha ${options.alpha} is not a positive number; pass the adapter's alpha.`);
  }
  const config: PeftAdapterConfig = {
    peft_type: 'LORA',
    task_type: null,
    base_model_name_or_path: options.baseModelNameOrPath ?? null,
    inference_mode: true,
    r: structure.rank,
    lora_alpha: options.alpha,
    lora_dropout: 0,
    target_modules: structure.targetModules,
    modules_to_save: structure.modulesToSave,
    bias: 'none',
    use_rslora: options.useRsLora ?? false,
    init_lora_weights: true,
    fan_in_fan_out: false,
  };
  const tensors = new Map<string, TensorData>(
    indexed.slots.map((slot) => [
      PEFT_KEY_PREFIX + slot.spec.name,
      { shape: slot.spec.shape, data: slotValues(parameters, slot) },
    ])
  );
  await mkdir(folder, { recursive: true });
  await writeSafetensorsFile(join(folder, PEFT_WEIGHTS_FILE), tensors, { format: 'pt' });
  await writeFileAtomic(join(folder, PEFT_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

async function readPeftConfig(path: string): Promise<PeftAdapterConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CheckpointError(
      `${path}: cannot be read as JSON (${(error as Error).message}); export the adapter again.`,
      {
        cause: error,
      }
    );
  }
  const config = parsed as Partial<Record<keyof PeftAdapterConfig, unknown>> | null;
  if (config === null || typeof config !== 'object' || config.peft_type !== 'LORA') {
    throw new CheckpointError(`${path}: peft_type is not "LORA"; only LoRA adapters can be imported.`);
  }
  if (!Number.isSafeInteger(config.r) || (config.r as number) <= 0) {
    throw new CheckpointError(
      `${path}: r ${JSON.stringify(config.r)} is not a positive integer; export the adapter again.`
    );
  }
  return config as PeftAdapterConfig;
}

/**
 * Reads an adapter in PEFT's layout back into a flat vector laid out as `layout`, bit-exactly for
 * F32 files. A missing key, a shape mismatch, an unexpected key or a rank that differs from the
 * layout's is a {@link CheckpointError} naming the file and the key.
 */
export async function importPeftAdapter(
  folder: string,
  layout: readonly ParameterSpec[]
): Promise<{ parameters: Float32Array; config: PeftAdapterConfig }> {
  const structure = peftStructure(layout);
  if (typeof structure === 'string') {
    throw new ConfigError(`Cannot import a PEFT adapter into this layout: ${structure}; create a LoRA-family adapter.`);
  }
  const configPath = join(folder, PEFT_CONFIG_FILE);
  const config = await readPeftConfig(configPath);
  if (config.r !== structure.rank) {
    throw new CheckpointError(
      `${configPath}: r is ${config.r} but the adapter layout has rank ${structure.rank}; create the adapter with rank ${config.r}.`
    );
  }
  const weightsPath = join(folder, PEFT_WEIGHTS_FILE);
  const content = await readSafetensorsFile(weightsPath);
  const indexed = indexLayout(layout);
  const parameters = new Float32Array(indexed.size);
  for (const slot of indexed.slots) {
    const key = PEFT_KEY_PREFIX + slot.spec.name;
    parameters.set(requireFloatTensor(content, key, slot.spec.shape, weightsPath), slot.offset);
  }
  rejectUnexpectedTensors(content, new Set(indexed.slots.map((slot) => PEFT_KEY_PREFIX + slot.spec.name)), weightsPath);
  return { parameters, config };
}
