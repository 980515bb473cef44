import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ConfigError } from '../../errors.js';

/** Which tfjs-core kernel backend trains: `auto` takes the faster one available. */
export type TfBackendChoice = 'auto' | 'cpu' | 'wasm';

/**
 * Preference for `auto`: wasm (SIMD) trains the MLP several times faster than the cpu backend
 * (see bench/training.mjs), and cpu is the fallback when WebAssembly cannot start.
 */
const AUTO_ORDER = ['wasm', 'cpu'] as const;

let wasmLocated = false;

/**
 * Tells the wasm backend to load its `.wasm` binaries from `prefix` (a folder path or URL ending in
 * `/`), unless a location was given before: after a failed start, setting it again throws.
 */
export function locateWasmAt(prefix: string): void {
  if (wasmLocated) return;
  setWasmPaths(prefix);
  wasmLocated = true;
}

/** The latest selection; each waits for the one before it. */
let latestSelection: Promise<unknown> = Promise.resolve();

/**
 * Selects the tfjs-core backend for local training and returns the name actually in use;
 * `locateWasm` runs before the wasm backend's first start, to say where its binaries are. A
 * backend named explicitly that cannot start is a {@link ConfigError}. Also puts tfjs in
 * production mode, which only turns off its console messages.
 *
 * Calls take turns: tfjs refuses a backend while it is still starting, so two federations prepared
 * at once in one process (a server beside its clients, several clients) would otherwise fall back
 * to different backends, or run kernels on one that has not started.
 */
export function selectTfBackend(choice: TfBackendChoice, locateWasm: () => void): Promise<string> {
  const selection = latestSelection.then(() => startTfBackend(choice, locateWasm));
  latestSelection = selection.catch(() => undefined);
  return selection;
}

async function startTfBackend(choice: TfBackendChoice, locateWasm: () => void): Promise<string> {
  // Production mode only silences tfjs's console chatter (its advert for tfjs-node on first use).
  tf.enableProdMode();
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  for (const name of candidates) {
    if (name === 'wasm') locateWasm();
    if (await tf.setBackend(name)) {
      await tf.ready();
      return tf.getBackend();
    }
  }
  throw new ConfigError(
    `The tfjs backend "${choice}" could not start; use training.tfBackend "cpu", or reinstall @tensorflow/tfjs-backend-${
      choice === 'auto' ? 'wasm' : choice
    }.`
  );
}
