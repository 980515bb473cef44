import { ConfigError } from '@fedtune/core';
import { GPUJS_MODES, type GpujsMode } from './engine/engines.js';
import type { GpujsBackendOptions } from './gpujsBackend.js';

/** Smallest texture side accepted: below it every vector would be cut into slivers. */
const MIN_TEXTURE_SIZE = 8;

/**
 * The `options` of `"backend": { "name": "gpujs", "options": { … } }`, validated: `mode` is one of
 * {@link GPUJS_MODES}, `maxTextureSize` an integer ≥ 8, and nothing else is allowed.
 * @throws ConfigError naming the option, the value given and what is allowed.
 */
export function parseGpujsOptions(options: Readonly<Record<string, unknown>>): GpujsBackendOptions {
  const unknown = Object.keys(options).filter((key) => key !== 'mode' && key !== 'maxTextureSize');
  if (unknown.length > 0) {
    throw new ConfigError(
      `backend gpujs: unknown option ${unknown.map((key) => `"${key}"`).join(', ')}; allowed: mode, maxTextureSize`
    );
  }
  const parsed: GpujsBackendOptions = {};
  if (options.mode !== undefined) {
    if (!GPUJS_MODES.includes(options.mode as GpujsMode)) {
      throw new ConfigError(
        `backend gpujs: options.mode is ${JSON.stringify(options.mode)}; expected one of ${GPUJS_MODES.join(', ')}`
      );
    }
    parsed.mode = options.mode as GpujsMode;
  }
  if (options.maxTextureSize !== undefined) {
    const size = options.maxTextureSize;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < MIN_TEXTURE_SIZE) {
      throw new ConfigError(
        `backend gpujs: options.maxTextureSize is ${JSON.stringify(
          size
        )}; expected an integer ≥ ${MIN_TEXTURE_SIZE} (texels per texture side)`
      );
    }
    parsed.maxTextureSize = size;
  }
  return parsed;
}
