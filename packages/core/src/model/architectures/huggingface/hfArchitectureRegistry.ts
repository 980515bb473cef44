import { CheckpointError, PluginError } from '../../../errors.js';
import type { HfArchitecture } from './hfArchitecture.js';
import { gpt2Architecture } from '../gpt2/index.js';
import { llamaArchitecture } from '../llama/index.js';

/**
 * The model families fedtune ships, registered when this module loads. A family adds itself here
 * with one entry (and its import).
 */
export const BUILT_IN_HF_ARCHITECTURES: readonly HfArchitecture[] = [gpt2Architecture, llamaArchitecture];

const byClassName = new Map<string, HfArchitecture>();
const byModelType = new Map<string, HfArchitecture>();

/**
 * Adds a model family the Hugging Face loader can load: config.json files naming one of its
 * `classNames` in `architectures`, or (without a known class) its `modelType` in `model_type`.
 * @throws PluginError when another registered family already claims one of its class names or its
 *   model type.
 */
export function registerHfArchitecture(architecture: HfArchitecture): void {
  const taken = architecture.classNames.filter((name) => byClassName.has(name));
  if (taken.length > 0) {
    throw new PluginError(
      `Hugging Face class ${taken.join(', ')} is already registered; a family must claim class names no other family loads.`
    );
  }
  if (byModelType.has(architecture.modelType)) {
    throw new PluginError(
      `Hugging Face model_type "${architecture.modelType}" is already registered; a family must claim a model type no other family loads.`
    );
  }
  for (const name of architecture.classNames) byClassName.set(name, architecture);
  byModelType.set(architecture.modelType, architecture);
}

for (const architecture of BUILT_IN_HF_ARCHITECTURES) registerHfArchitecture(architecture);

/** Every class name the registered families load, sorted. */
export function supportedHfClassNames(): string[] {
  return [...byClassName.keys()].sort();
}

/**
 * The family that loads a config.json (`json`, read from the file named `source`): the one claiming
 * the class `architectures[0]` names, or, when that names no registered class, the one claiming
 * its `model_type`.
 * @throws CheckpointError naming `source`, what the file names and the supported class names, when
 *   no registered family matches.
 */
export function hfArchitectureFor(json: Readonly<Record<string, unknown>>, source: string): HfArchitecture {
  const className = hfClassName(json);
  const modelType = json['model_type'];
  const found =
    (className === undefined ? undefined : byClassName.get(className)) ??
    (typeof modelType === 'string' ? byModelType.get(modelType) : undefined);
  if (found !== undefined) return found;
  const named = [
    className === undefined ? 'no "architectures" class' : `architectures[0] "${className}"`,
    typeof modelType === 'string' ? `model_type "${modelType}"` : 'no "model_type"',
  ].join(' and ');
  const supported = supportedHfClassNames();
  throw new CheckpointError(
    `${source} names ${named}, which no model family fedtune knows loads; supported classes: ${
      supported.length > 0 ? supported.join(', ') : 'none registered'
    } (register others with registerHfArchitecture).`
  );
}

/** The registered family whose config.json `model_type` is `modelType` (a loaded model's `modelType`), if any. */
export function hfArchitectureOfModelType(modelType: string): HfArchitecture | undefined {
  return byModelType.get(modelType);
}

/** config.json's `architectures[0]` when it is a string. */
export function hfClassName(json: Readonly<Record<string, unknown>>): string | undefined {
  const classes = json['architectures'];
  const first: unknown = Array.isArray(classes) ? classes[0] : undefined;
  return typeof first === 'string' ? first : undefined;
}
