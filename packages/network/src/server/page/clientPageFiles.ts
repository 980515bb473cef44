import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findDataDir, type Experiment } from '@fedtune/core';
import { bundleClientPage } from './clientPageBundle.js';
import type { ClientPageFiles } from './pageRoutes.js';

/**
 * What a server offers browser clients for `experiment`: the page, its script (bundled with the
 * experiment's plugins on the first request; a failed build is tried again on the next), fedtune's
 * data folder and the wasm binaries of the tfjs that core trains with.
 */
export function clientPageFiles(experiment: Experiment, resolveFrom: string, log: (line: string) => void): ClientPageFiles {
  let built: Promise<ReadonlyMap<string, string>> | undefined;
  return {
    experimentName: experiment.name,
    scripts: () => {
      built ??= bundleClientPage({ plugins: experiment.plugins, resolveFrom }).then(
        (scripts) => {
          const bytes = [...scripts.values()].reduce((sum, script) => sum + script.length, 0);
          log(`client page built for browsers (${scripts.size} scripts, ${(bytes / 1e6).toFixed(1)} MB)`);
          return scripts;
        },
        (error: unknown) => {
          built = undefined;
          throw error;
        },
      );
      return built;
    },
    dataDir: findDataDir,
    wasmDir: join(dirname(createRequire(import.meta.resolve('@fedtune/core')).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'),
    log,
  };
}
