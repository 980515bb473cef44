import { ConfigError } from '../errors.js';
import type { BaseModel } from '../model/architectures/baseModel.js';
import { MLP_ARCHITECTURE } from '../model/architectures/mlp.js';
import type { Experiment } from './schema.js';

/** Widths shown before a long `model.hidden` is cut short in a message. */
const SHOWN_WIDTHS = 8;

/**
 * Refuses `model.architecture` and `model.hidden` where they differ from the frozen base a run
 * fine-tunes. The base file (`model.base`) fixes its architecture and layer sizes, and a run uses
 * them as they are, so a different value in the experiment would be silently ignored.
 * @param basePath names the base in the message.
 * @throws ConfigError naming both values and what to change.
 */
export function assertModelMatchesBase(
  model: Experiment['model'],
  base: Pick<BaseModel, 'architecture' | 'modules'>,
  basePath: string,
): void {
  if (model.architecture !== undefined && model.architecture !== base.architecture) {
    throw new ConfigError(
      `model.architecture "${model.architecture}" is not the architecture of the base ${basePath}, "${base.architecture}": ` +
        `a run fine-tunes the base as it is; drop model.architecture, or name a ${model.architecture} base in model.base.`,
    );
  }
  if (model.hidden === undefined) return;
  if (base.architecture !== MLP_ARCHITECTURE) {
    throw new ConfigError(
      `model.hidden applies to an mlp base; ${basePath} is a ${base.architecture}, whose sizes are in the file and ` +
        'are used as they are: drop model.hidden.',
    );
  }
  const widths = base.modules.filter((module) => !module.isHead).map((module) => module.outFeatures);
  if (model.hidden.length === widths.length && model.hidden.every((width, i) => width === widths[i])) return;
  throw new ConfigError(
    `model.hidden ${listOf(model.hidden)} is not the hidden layers of the base ${basePath}, ${listOf(widths)}: a run ` +
      "fine-tunes the base as it is, so the base's layers are used; drop model.hidden, or pretrain a base with those " +
      `layers (fedtune pretrain --hidden ${model.hidden.length > SHOWN_WIDTHS ? 'W1,W2,…' : model.hidden.join(',')} ` +
      '--out base.safetensors) and name it in model.base.',
  );
}

function listOf(widths: readonly number[]): string {
  const shown = widths.slice(0, SHOWN_WIDTHS).join(', ');
  return widths.length > SHOWN_WIDTHS ? `[${shown}, … (${widths.length} layers)]` : `[${shown}]`;
}
