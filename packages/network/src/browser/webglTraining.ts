import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@fedtune/core';

/**
 * Switches this tab's tfjs to its WebGL backend, loaded only now (its own chunk of the page), for a
 * tab that trains on its GPU rather than with the experiment's `training.tfBackend`. GPU arithmetic
 * rounds differently, so this tab's updates — and the ledger — may differ from `fedtune run`'s in
 * the last bits.
 * @returns the backend now in use.
 * @throws ConfigError when the browser cannot start WebGL for tfjs.
 */
export async function trainWithWebgl(): Promise<string> {
  await import('@tensorflow/tfjs-backend-webgl');
  let started = false;
  try {
    started = await tf.setBackend('webgl');
  } catch {
    started = false;
  }
  if (!started) {
    throw new ConfigError("this browser cannot start tfjs's WebGL backend; join without tf=webgl to train with the experiment's backend");
  }
  await tf.ready();
  return tf.getBackend();
}
