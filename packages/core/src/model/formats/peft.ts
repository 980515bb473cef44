/**
 * Adapters in PEFT's on-disk layout, so `PeftModel.from_pretrained(base, folder)` can load what
 * fedtune trained: `adapter_config.json` plus `adapter_model.safetensors` whose keys are the flat
 * layout's names under `base_model.model.` (PEFT strips the adapter name, and
 * `modules_to_save.<adapter>.` for saved modules, so the head is `base_model.model.head.weight`,
 * saved at the shape it was trained at), and the frozen base beside them (see {@link writePeftBase}).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdapterInstance, ParameterSpec, PeftLoraForm } from '../../contracts/adapter.js';
import { CheckpointError, ConfigError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { readTextFileWithin } from '../../io/readFileWithin.js';
import { rejectUnexpectedTensors, requireFloatTensor } from './checkpointTensors.js';
import { checkFlatLength, indexLayout, slotValues } from '../adapters/parameterLayout.js';
import { PEFT_BASE_FOLDER, writePeftBase, type PeftBase } from './peftBase.js';
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
  /** `./base`, the folder inside the adapter folder that holds the frozen base; `null` when exported without it. */
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

/** An adapter to export. */
export interface PeftExportOptions {
  /** The instance the parameters belong to; it must have a PEFT LoRA form. */
  adapter: Pick<AdapterInstance, 'layout' | 'peftLora'>;
  /** Its flat parameters, laid out as `adapter.layout`. */
  parameters: Float32Array;
  /** The frozen base it was trained on, written beside it; without it `base_model_name_or_path` is `null`. */
  base?: PeftBase;
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
  if (distinctRanks.length === 0) return 'the layout has no LoRA tensors';
  if (distinctRanks.length > 1) return `the layout mixes LoRA ranks ${distinctRanks.join(', ')}`;
  return { rank: distinctRanks[0] as number, targetModules, modulesToSave };
}

/** Why a PEFT LoRA form does not describe a layout, or `undefined` when it does. */
export function formMismatch(form: PeftLoraForm, layout: readonly ParameterSpec[]): string | undefined {
  const structure = peftStructure(layout);
  if (typeof structure === 'string') return structure;
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((name, i) => name === b[i]);
  if (structure.rank !== form.rank) return `its rank is ${form.rank} but the layout's is ${structure.rank}`;
  if (!same(structure.targetModules, form.targetModules)) {
    return `its target modules are [${form.targetModules.join(', ')}] but the layout adapts [${structure.targetModules.join(', ')}]`;
  }
  if (!same(structure.modulesToSave, form.modulesToSave)) {
    return `its saved modules are [${form.modulesToSave.join(', ')}] but the layout trains [${structure.modulesToSave.join(', ')}] in full`;
  }
  if (!Number.isFinite(form.alpha) || form.alpha <= 0) return `its alpha ${form.alpha} is not a positive number`;
  return undefined;
}

/**
 * Writes an adapter's flat parameters to `folder` in PEFT's layout, creating the folder, with the
 * frozen base in `folder/base/` when given. Every file is written atomically. An adapter without a
 * PEFT LoRA form, or whose form does not describe its layout, is a {@link ConfigError}.
 */
export async function exportPeftAdapter(folder: string, options: PeftExportOptions): Promise<void> {
  const { adapter, parameters } = options;
  const form = adapter.peftLora;
  if (form === undefined) {
    throw new ConfigError(
      "Cannot export in PEFT's layout: the adapter has no PEFT LoRA form (a head-only fine-tune has none); export LoRA-family adapters only."
    );
  }
  const mismatch = formMismatch(form, adapter.layout);
  if (mismatch !== undefined) {
    throw new ConfigError(`Cannot export in PEFT's layout: the adapter's PEFT LoRA form does not fit its layout: ${mismatch}; fix the adapter.`);
  }
  const indexed = indexLayout(adapter.layout);
  checkFlatLength(parameters, indexed, 'Adapter parameters');
  const config: PeftAdapterConfig = {
    peft_type: 'LORA',
    task_type: null,
    base_model_name_or_path: options.base === undefined ? null : `./${PEFT_BASE_FOLDER}`,
    inference_mode: true,
    r: form.rank,
    lora_alpha: form.alpha,
    lora_dropout: 0,
    target_modules: [...form.targetModules],
    modules_to_save: [...form.modulesToSave],
    bias: 'none',
    use_rslora: form.useRsLora,
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
  if (options.base !== undefined) await writePeftBase(join(folder, PEFT_BASE_FOLDER), options.base, adapter.layout);
  await writeSafetensorsFile(join(folder, PEFT_WEIGHTS_FILE), tensors, { format: 'pt' });
  await writeFileAtomic(join(folder, PEFT_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** PEFT's adapter_config.json is a few hundred bytes; a larger one is not an adapter config. */
const MAX_PEFT_CONFIG_BYTES = 1024 * 1024;

async function readPeftConfig(path: string): Promise<PeftAdapterConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readTextFileWithin(path, { what: 'a PEFT adapter config', maxBytes: MAX_PEFT_CONFIG_BYTES, error: CheckpointError }));
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
