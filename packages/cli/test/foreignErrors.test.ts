import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from './capture.js';

/**
 * A project whose plugin throws the error classes of its own copy of core's errors module, as a
 * plugin bundling or privately installing `@fedtune/core` does: `instanceof` never matches them.
 */
const project = mkdtempSync(join(tmpdir(), 'fedtune-foreign-errors-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
const plugin = join(project, 'node_modules', 'fedtune-plugin-strict');
mkdirSync(join(plugin, 'vendor'), { recursive: true });
const coreFolder = dirname(createRequire(import.meta.url).resolve('@fedtune/core/package.json'));
copyFileSync(join(coreFolder, 'dist', 'errors.js'), join(plugin, 'vendor', 'errors.js'));
writeFileSync(join(plugin, 'package.json'), JSON.stringify({ name: 'fedtune-plugin-strict', type: 'module' }));
writeFileSync(
  join(plugin, 'index.js'),
  `import { ConfigError } from './vendor/errors.js';
export default {
  name: 'fedtune-plugin-strict',
  version: '1.0.0',
  register(container) {
    container.register(Symbol.for('fedtune.Aggregator'), { useValue: {
      name: 'strict', plugin: 'fedtune-plugin-strict',
      create: () => { throw new ConfigError('aggregator strict: unknown option "trimm"; allowed: trim'); },
    } });
  },
};
`,
);
const experiment = join(project, 'experiment.json');
writeFileSync(
  experiment,
  JSON.stringify({
    plugins: ['fedtune-plugin-strict'],
    data: { numClients: 2, trainLimit: 100, testLimit: 100 },
    training: { rounds: 1 },
    aggregator: { name: 'strict', options: { trimm: 0.1 } },
  }),
);

it("treats an option error from a plugin's own copy of core as bad input (exit 2), not as an unexpected error", async () => {
  const { code, stderr } = await runCli(['run', experiment, '--out', join(project, 'out')]);
  expect(stderr).toBe('error: aggregator strict: unknown option "trimm"; allowed: trim\n');
  expect(code).toBe(2);
});
