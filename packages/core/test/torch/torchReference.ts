import { spawnSync } from 'node:child_process';

/** Debian's interpreter, where `python3-torch` installs PyTorch (an independent numeric reference). */
export const PYTHON = '/usr/bin/python3';

/** Why PyTorch cannot run here, or `undefined` when it can; tests skip with this reason printed. */
export function torchUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error !== undefined) return `${PYTHON} does not run (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} has no torch; install Debian's python3-torch to run it`;
  return undefined;
}

/**
 * Runs a reference script with {@link PYTHON} and parses the JSON it prints; throws with the
 * script's stderr when it fails, so a broken reference never passes silently.
 */
export function runTorchScript(script: string, args: readonly string[]): unknown {
  const result = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new Error(`${script} failed (exit ${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}
