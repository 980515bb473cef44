// Plugins that misbehave: tiny local plugin packages written into the entry's folder (beside the
// experiment, sharing the repository's @fedtune/core through a link) whose compressor sends a
// finite but huge update, whose encoder or decoder throws, whose aggregator returns NaN, or which
// fail to load, register or keep to their own copy of core.
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compressorPlugin,
  copyFixture,
  finishedRunProblem,
  fixture,
  readLedger,
  REPO,
  runExperimentArgs,
  smallExperiment,
  writePlugin,
  writeText,
} from './fixtures.mjs';

const KIND = 'plugin';
const entries = [];
const PACKAGE = 'fedtune-plugin-hostile';

/** The small experiment with the plugin `code` installed beside it and `changes` merged in. */
const withPlugin = (code, changes, extra = []) => (dir) => {
  writePlugin(dir, PACKAGE, code);
  return runExperimentArgs(dir, smallExperiment({ plugins: [PACKAGE], ...changes }), extra);
};
const compressing = (hooks, changes = {}, extra = []) => withPlugin(compressorPlugin(PACKAGE, 'hostile', hooks), { compressor: 'hostile', ...changes }, extra);

/** Every round of the finished run rejected at least one update, and its accuracy stayed finite. */
const rejectedEachRound = (dir) => {
  const out = join(dir, 'out');
  const problem = finishedRunProblem(out);
  if (problem !== undefined) return problem;
  const rows = readLedger(join(out, 'ledger.jsonl'));
  const bad = rows.find((row) => !(row.rejected >= 1));
  if (bad !== undefined) return `round ${bad.round} rejected ${bad.rejected} updates, not the hostile client's`;
  const broken = rows.find((row) => !Number.isFinite(row.testAccuracy) || !Number.isFinite(row.testLoss));
  return broken === undefined ? undefined : `round ${broken.round} has test accuracy ${broken.testAccuracy}, loss ${broken.testLoss}`;
};
/** The refusal names the plugin package. */
const namesPlugin = (dir, result) => (result.stderr.includes(PACKAGE) ? undefined : `the error does not name ${PACKAGE}`);

const accepted = (id, description, setup, check = rejectedEachRound) => entries.push({ id, kind: KIND, description, expect: 'accepted', setup, check });
const refused = (id, description, setup, extra = {}) => entries.push({ id, kind: KIND, description, expect: 'refused', setup, check: namesPlugin, ...extra });
/** A refusal once the run has started writing: the rounds before it stay in the folder, as for any stopped run. */
const MID_RUN = { snapshot: false };

accepted('plugin-huge-update', 'a compressor whose client 0 sends a finite but huge update (every value 3.4e38): the screen rejects it', compressing({
  encode: 'if (context.clientId === 0) update = new Float32Array(update.length).fill(3.4e38);',
}));
accepted('plugin-huge-single-value', 'a compressor whose client 0 sends one value of 3.4e38 among normal ones', compressing({
  encode: 'if (context.clientId === 0) { update = Float32Array.from(update); update[0] = 3.4e38; }',
}));
accepted('plugin-encoder-throws', "a compressor whose encoder throws a plain Error for client 1: that client's upload is rejected", compressing({
  encode: "if (context.clientId === 1) throw new Error('encoder exploded');",
}));
refused('plugin-decoder-throws-type-error', 'a compressor whose decoder throws a TypeError (not a PayloadError) for client 1: refused, naming the plugin', compressing({
  decode: "if (context.clientId === 1) throw new TypeError('decoder exploded');",
}), MID_RUN);
accepted('plugin-decoder-payload-error', "a compressor whose decoder throws a PayloadError for client 1 (the contract's way): rejected", compressing({
  before: "import { PayloadError } from '@fedtune/core';",
  decode: "if (context.clientId === 1) throw new PayloadError('bad payload from client 1');",
}));
accepted('plugin-decoder-wrong-length', 'a compressor whose decoder returns one value too few for client 1: rejected', compressing({
  decode: 'if (context.clientId === 1) return new Float32Array(length - 1);',
}));
accepted('plugin-decoder-nan', 'a compressor whose decoder returns NaN for client 1: rejected', compressing({
  decode: 'if (context.clientId === 1) return new Float32Array(length).fill(NaN);',
}));
refused('plugin-encoder-returns-string', 'a compressor whose encoder returns a string instead of bytes', compressing({ encode: "return 'not bytes';" }), MID_RUN);
refused('plugin-register-throws', 'a plugin whose register() throws', withPlugin(
  `export default { name: '${PACKAGE}', version: '0.0.1', register() { throw new Error('register exploded'); } };\n`,
  {},
));
refused('plugin-import-throws', 'a plugin whose module throws when imported', withPlugin("throw new Error('import exploded');\n", {}));
refused('plugin-no-descriptor', 'a plugin module that exports nothing', withPlugin('export const unrelated = 1;\n', {}));
refused('plugin-name-clash', 'a plugin registering a compressor named "none", which core has', withPlugin(
  compressorPlugin(PACKAGE, 'none'),
  {},
));
refused('plugin-streams-overlap-core', "a plugin reserving random streams 5–9, inside core's 0–999", withPlugin(
  `import { reserveRandomStreams } from '@fedtune/core';
export default { name: '${PACKAGE}', version: '0.0.1', register(container) { reserveRandomStreams(container, { plugin: '${PACKAGE}', first: 5, count: 5 }); } };
`,
  {},
));
refused('plugin-never-loads', 'a plugin whose import awaits forever (an unsettled top-level await)', withPlugin('await new Promise(() => {});\nexport default {};\n', {}), {
  exitCodes: [1, 2],
  timeoutS: 90,
});
refused('plugin-own-core-copy', 'a plugin whose node_modules holds its own copy of @fedtune/core', (dir) => {
  const folder = writePlugin(dir, PACKAGE, compressorPlugin(PACKAGE, 'hostile'));
  const copy = join(folder, 'node_modules', '@fedtune', 'core');
  mkdirSync(copy, { recursive: true });
  cpSync(join(REPO, 'packages', 'core', 'package.json'), join(copy, 'package.json'));
  cpSync(join(REPO, 'packages', 'core', 'dist'), join(copy, 'dist'), { recursive: true });
  return runExperimentArgs(dir, smallExperiment({ plugins: [PACKAGE], compressor: 'hostile' }));
});

const aggregating = (body) =>
  withPlugin(
    `import { AGGREGATOR, registerNamed } from '@fedtune/core';
const aggregator = { name: 'hostile', aggregate(context) { ${body} } };
export default {
  name: '${PACKAGE}', version: '0.0.1',
  register(container) { registerNamed(container, AGGREGATOR, { name: 'hostile', plugin: '${PACKAGE}', create: () => aggregator }); },
};
`,
    { aggregator: 'hostile' },
  );
refused('plugin-aggregator-nan', 'an aggregator that returns an all-NaN global model', aggregating('return new Float32Array(context.global.length).fill(NaN);'), MID_RUN);
refused('plugin-aggregator-short', 'an aggregator that returns a global model one value short', aggregating('return new Float32Array(context.global.length - 1);'), MID_RUN);
refused('plugin-aggregator-not-array', 'an aggregator that returns a plain list of numbers', aggregating('return Array.from(context.global);'), MID_RUN);

// ---- an overwriting run that fails at round 1 --------------------------------------------------
entries.push({
  id: 'overwrite-decoder-throws-round-1',
  kind: KIND,
  description: "--overwrite of an earlier run by a run whose plugin decoder throws at round 1: the earlier adapter must not stay beside the new 1-row ledger",
  expect: 'refused',
  exitCodes: [1, 2],
  snapshot: false,
  setup: async (dir) => {
    const out = await copyFixture('finishedRun', join(dir, 'out'));
    cpSync(join((await fixture('stoppedRun')).out, 'checkpoint.safetensors'), join(out, 'checkpoint.safetensors'));
    writeText(join(out, 'adapter', 'OLD-RUN-MARKER'), 'earlier run');
    return compressing({ decode: "if (context.round === 1) throw new TypeError('decoder exploded at round 1');" }, { name: 'hostile-new' }, ['--overwrite'])(dir);
  },
  check: (dir, result) => {
    const out = join(dir, 'out');
    const left = ['compare', 'resume.json', 'checkpoint.safetensors', 'summary.json', join('adapter', 'OLD-RUN-MARKER')].filter((name) => existsSync(join(out, name)));
    if (left.length > 0) return `the earlier run's ${left.join(', ')} stayed beside the failed run's ledger`;
    if (existsSync(join(out, 'experiment.json')) && JSON.parse(readFileSync(join(out, 'experiment.json'), 'utf8')).name !== 'hostile-new') {
      return 'experiment.json is the earlier run\'s';
    }
    return namesPlugin(dir, result);
  },
});

export { entries };
