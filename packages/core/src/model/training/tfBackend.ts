import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { locateWasmAt, selectTfBackend, type TfBackendChoice } from './tfBackendSelect.js';

export type { TfBackendChoice } from './tfBackendSelect.js';

function pointWasmAtPackage(): void {
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  // The .wasm binaries ship beside the package's entry file; loading them from there needs no network.
  locateWasmAt(`${dirname(entry)}/`);
}

/**
 * Selects the tfjs-core backend for local training and returns the name actually in use, the wasm
 * binaries loaded from the installed package (see {@link selectTfBackend}).
 * @throws ConfigError when a backend named explicitly cannot start.
 */
export function useTfBackend(choice: TfBackendChoice): Promise<string> {
  return selectTfBackend(choice, pointWasmAtPackage);
}
