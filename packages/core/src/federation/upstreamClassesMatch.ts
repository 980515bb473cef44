import { ConfigError } from '../errors.js';
import type { BaseModel } from '../model/architectures/baseModel.js';

/**
 * Refuses `data.upstreamClasses` that differ from the classes the base was pre-trained on, as its
 * file records them. The downstream pool is every other class's images: with the wrong list, images
 * the base already learned would be fine-tuned on as new, and classes it never saw would be left
 * out, so the run would measure something other than its experiment says. A base whose file
 * records no classes (one saved by other tools) is taken as it is.
 */
export function assertUpstreamClassesMatchBase(upstreamClasses: readonly number[], base: Pick<BaseModel, 'metadata'>, basePath: string): void {
  const recorded = recordedClasses(base.metadata['upstreamClasses']);
  if (recorded === undefined) return;
  const given = [...new Set(upstreamClasses)].sort((a, b) => a - b);
  if (given.length === recorded.length && given.every((c, i) => c === recorded[i])) return;
  throw new ConfigError(
    `data.upstreamClasses [${given.join(', ')}] are not the classes the base ${basePath} was pre-trained on, ` +
      `[${recorded.join(', ')}]: set data.upstreamClasses to [${recorded.join(', ')}], or pre-train a base on ` +
      `those classes (fedtune pretrain --upstream-classes ${given.join(',')} --out base.safetensors) and name it in model.base.`,
  );
}

function recordedClasses(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((c) => Number.isInteger(c))) return [...new Set(parsed as number[])].sort((a, b) => a - b);
  } catch {
    // Metadata fedtune did not write: nothing to compare with.
  }
  return undefined;
}
