import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findDataDir, type Experiment } from '@fedtune/core';
import { gzipSync } from 'node:zlib';
import { bundleClientPage } from './clientPageBundle.js';
import type { ClientPageFiles, PageScript } from './pageRoutes.js';

/**
 * What a server offers browser clients for `experiment`: the page, its script (bundled with the
 * experiment's plugins on the first request; a failed build is tried again on the next), fedtune's
 * data folder and the wasm binaries of the tfjs that core trains with.
 */
export function clientPageFiles(experiment: Experiment, resolveFrom: string, log: (line: string) => void): ClientPageFiles {
  let built: Promise<ReadonlyMap<string, PageScript>> | undefined;
  return {
    experimentName: experiment.name,
    scripts: () => {
      built ??= bundleClientPage({ plugins: experiment.plugins, resolveFrom }).then(
        (bundle) => {
          const scripts = new Map([...bundle].map(([name, text]) => [name, { text, gzip: gzipSync(text, { level: 9 }) }]));
          const total = (size: (script: PageScript) => number) => ([...scripts.values()].reduce((sum, script) => sum + size(script), 0) / 1e6).toFixed(1);
          log(`client page built for browsers (${scripts.size} scripts, ${total((script) => Buffer.byteLength(script.text))} MB, ${total((script) => script.gzip.byteLength)} MB gzipped)`);
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
