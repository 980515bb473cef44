// Experiment files: broken syntax, files that are not files, every top-level field of the wrong
// type, every numeric field out of range, deep nesting, duplicate keys, huge lines, values the
// schema allows but the run cannot use, and labels that try to drive the terminal.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  deepList,
  deepObject,
  finishedRunProblem,
  listTree,
  mkfifo,
  readLedger,
  runExperimentArgs,
  setPath,
  smallExperiment,
  symlink,
} from './fixtures.mjs';

const KIND = 'experiment';
const entries = [];
const refused = (id, description, setup, extra = {}) => entries.push({ id, kind: KIND, description, expect: 'refused', setup, ...extra });
const accepted = (id, description, setup, check, extra = {}) =>
  entries.push({ id, kind: KIND, description, expect: 'accepted', setup, check, ...extra });

/** The small experiment as JSON text, with `marker` (a unique string value) replaced by raw `raw`. */
function rawText(experiment, marker, raw) {
  return JSON.stringify(experiment, null, 2).replace(JSON.stringify(marker), raw);
}
const MARK = '@@RAW@@';
const small = smallExperiment();
const smallText = JSON.stringify(small, null, 2);
const finished = (dir) => finishedRunProblem(join(dir, 'out'));

// ---- the file's text -------------------------------------------------------------------------------
refused('exp-empty-file', 'an empty experiment file', (dir) => runExperimentArgs(dir, ''));
refused('exp-unclosed-object', 'an experiment file holding only "{"', (dir) => runExperimentArgs(dir, '{'));
refused('exp-trailing-comma', 'a trailing comma after the last field', (dir) => runExperimentArgs(dir, smallText.replace(/\n}$/, ',\n}')));
refused('exp-line-comment', 'a // comment before the object (JSONC)', (dir) => runExperimentArgs(dir, `// my experiment\n${smallText}`));
refused('exp-nul-byte', 'a NUL byte after the object', (dir) => runExperimentArgs(dir, `${smallText}\0`));
refused('exp-infinity-literal', 'a bare Infinity as learningRate', (dir) =>
  runExperimentArgs(dir, rawText(setPath(small, 'training.learningRate', MARK), MARK, 'Infinity')),
);
refused('exp-top-array', 'a list at the top', (dir) => runExperimentArgs(dir, `[${smallText}]`));
refused('exp-top-string', 'a string at the top', (dir) => runExperimentArgs(dir, '"examples/quickstart.json"'));
accepted('exp-byte-order-mark', 'a UTF-8 byte-order mark before the object (editors add one)', (dir) => runExperimentArgs(dir, `\uFEFF${smallText}`), finished);
accepted(
  'exp-invalid-utf8-label',
  'bytes that are not UTF-8 inside the label string',
  (dir) => runExperimentArgs(dir, Buffer.from(rawText(setPath(small, 'label', MARK), MARK, '"caf\u00ff\u00fe"'), 'latin1')),
  finished,
);

// ---- duplicate keys -------------------------------------------------------------------------------
refused('exp-duplicate-key-top', 'the field "name" given twice at the top', (dir) =>
  runExperimentArgs(dir, smallText.replace('{', '{\n  "name": "first",')),
);
refused('exp-duplicate-key-data', 'data.numClients given twice', (dir) =>
  runExperimentArgs(dir, smallText.replace('"numClients": 4', '"numClients": 4, "numClients": 40')),
);
refused('exp-duplicate-key-escaped', 'the key "name" given again as "n\\u0061me", equal once unescaped', (dir) =>
  runExperimentArgs(dir, smallText.replace('{', '{\n  "n\\u0061me": "second",')),
);

// ---- deep nesting and huge lines ---------------------------------------------------------------------
refused('exp-deep-list-syntax-error', 'a 100,000-deep list that then breaks the syntax', (dir) =>
  runExperimentArgs(dir, `{"name": ${'['.repeat(100_000)}}`),
);
refused('exp-deep-list-label', 'a 100,000-deep list (valid JSON) as the label', (dir) =>
  runExperimentArgs(dir, rawText(setPath(small, 'label', MARK), MARK, deepList(100_000))),
);
refused('exp-deep-adapter-options', 'adapter.options 100,000 objects deep', (dir) =>
  runExperimentArgs(dir, rawText(setPath(small, 'adapter', { name: 'lora', options: MARK }), MARK, deepObject(100_000))),
);
refused('exp-5000-deep-value', 'a 5,000-deep list inside adapter.options', (dir) =>
  runExperimentArgs(dir, rawText(setPath(small, 'adapter', { name: 'lora', options: { x: MARK } }), MARK, deepList(5000))),
);
refused('exp-5000-deep-compressor-options', 'compressor options 5,000 objects deep', (dir) =>
  runExperimentArgs(dir, rawText(setPath(small, 'compressor', { name: 'qsgd', options: MARK }), MARK, deepObject(5000))),
);
refused('exp-65-deep-options', 'adapter.options nested 65 levels, one past the documented 64', (dir) =>
  runExperimentArgs(dir, rawText(setPath(small, 'adapter', { name: 'lora', options: MARK }), MARK, deepObject(63))),
);
refused(
  'exp-50mb-unterminated-string',
  'a 50 MB one-line file whose label string never ends (stderr must stay bounded)',
  (dir) => runExperimentArgs(dir, `{"name": "x", "label": "${'a'.repeat(50 * 1024 * 1024)}`),
);
refused(
  'exp-50mb-error-at-end',
  'a 50 MB one-line list of numbers with a syntax error at its very end (the excerpt must stay bounded)',
  (dir) => runExperimentArgs(dir, `{"name": "x", "plugins": [${'1,'.repeat(25 * 1024 * 1024)}}`),
);
refused('exp-many-unknown-fields', '100,000 unknown top-level fields (the error must stay bounded)', (dir) => {
  const experiment = { ...small };
  for (let i = 0; i < 100_000; i++) experiment[`field${i}`] = i;
  return runExperimentArgs(dir, experiment);
});

// ---- the file itself ------------------------------------------------------------------------------
refused('exp-file-missing', 'an experiment file that does not exist', () => ({ args: ['run', 'nope.json', '--out', 'out'] }));
refused('exp-file-directory', 'a folder in place of the experiment file', (dir) => {
  mkdirSync(join(dir, 'exp.json'));
  return { args: ['run', 'exp.json', '--out', 'out'] };
});
refused('exp-file-dev-zero', 'the experiment file is a link to /dev/zero', (dir) => {
  symlink('/dev/zero', join(dir, 'exp.json'));
  return { args: ['run', 'exp.json', '--out', 'out'] };
});
refused('exp-file-fifo', 'the experiment file is a named pipe nobody writes to', (dir) => {
  mkfifo(join(dir, 'exp.json'));
  return { args: ['run', 'exp.json', '--out', 'out'] };
});
refused('exp-file-dangling-link', 'the experiment file is a link to nothing', (dir) => {
  symlink(join(dir, 'gone.json'), join(dir, 'exp.json'));
  return { args: ['run', 'exp.json', '--out', 'out'] };
});

// ---- every top-level field of a wrong type, some null -----------------------------------------------
const WRONG_TYPES = {
  name: 42,
  label: ['a'],
  seed: '1',
  plugins: '@fedtune/plugin-aquila',
  data: 'embedded',
  model: 'embedded',
  adapter: 'lora',
  training: 2,
  compressor: 7,
  selector: true,
  updateScreen: 100,
  compare: { label: 'x' },
};
for (const [field, value] of Object.entries(WRONG_TYPES)) {
  refused(`exp-type-${field.toLowerCase()}`, `top-level "${field}" set to ${JSON.stringify(value)}`, (dir) => runExperimentArgs(dir, setPath(small, field, value)));
}
for (const field of ['data']) {
  refused(`exp-null-${field}`, `top-level "${field}" set to null`, (dir) => runExperimentArgs(dir, setPath(small, field, null)));
}
refused('exp-missing-data', 'no data section', (dir) => runExperimentArgs(dir, { ...small, data: undefined }));
refused('exp-missing-num-clients', 'no data.numClients', (dir) => runExperimentArgs(dir, setPath(small, 'data', { trainLimit: 300 })));
refused('exp-unknown-top-field', 'a misspelt top-level field "trainig"', (dir) => runExperimentArgs(dir, { ...small, trainig: { rounds: 9 } }));
refused('exp-unknown-compare-field', 'a compare entry with an unknown field "seed"', (dir) =>
  runExperimentArgs(dir, { ...small, compare: [{ label: 'b', seed: 3 }] }),
);

// ---- every numeric field out of range ------------------------------------------------------------
// [path, integer?, valid values among the probes (skipped here)]
const NUMERIC_FIELDS = [
  ['seed', true, ['0']],
  ['data.numClients', true, []],
  ['data.trainLimit', true, []],
  ['adapter.rank', true, []],
  ['adapter.alpha', false, []],
  ['training.rounds', true, []],
  ['training.batchSize', true, []],
  ['training.learningRate', false, []],
  ['data.partition.classesPerClient', true, []],
];
const PROBES = [
  ['minus-1', '-1'],
  ['0', '0'],
  ['1e400', '1e400'],
  ['nan-string', '"NaN"'],
  ['1e300', '1e300'],
];
for (const [path, , valid] of NUMERIC_FIELDS) {
  for (const [name, raw] of PROBES) {
    if (valid.includes(raw)) continue;
    const base = path === 'data.partition.classesPerClient' ? setPath(small, 'data.partition', { kind: 'shards', classesPerClient: 2 }) : small;
    const note = path === 'adapter.alpha' && raw === '1e300' ? ' (no maximum in the schema, but alpha/rank overflows float32)' : '';
    refused(`exp-num-${path.replaceAll('.', '-').toLowerCase()}-${name}`, `${path} set to ${raw}${note}`, (dir) =>
      runExperimentArgs(dir, rawText(setPath(base, path, MARK), MARK, raw)),
    );
  }
}
accepted('exp-partition-alpha-tiny', 'a Dirichlet partition with alpha 1e-300 (gamma draws underflow)', (dir) =>
  runExperimentArgs(dir, setPath(small, 'data.partition', { kind: 'dirichlet', alpha: 1e-300 })), finished,
);

// ---- values the schema allows but the run cannot use ----------------------------------------------
refused('exp-adapter-options-unknown-key', 'adapter.options with a misspelt key "rnak"', (dir) =>
  runExperimentArgs(dir, setPath(small, 'adapter', { name: 'lora', options: { rnak: 8 } })),
);
refused('exp-compressor-options-unknown-key', 'qsgd with a misspelt option "levles"', (dir) =>
  runExperimentArgs(dir, setPath(small, 'compressor', { name: 'qsgd', options: { levles: 4 } })),
);
refused('exp-uniform-fraction-2', 'the uniform selector with fraction 2', (dir) =>
  runExperimentArgs(dir, setPath(small, 'selector', { name: 'uniform', options: { fraction: 2 } })),
);
refused('exp-model-hidden-100000', 'model.hidden [100000] (a base of another width; must not allocate it)', (dir) =>
  runExperimentArgs(dir, setPath(small, 'model.hidden', [100000])),
);
refused('exp-model-hidden-other', 'model.hidden [256, 128, 64] against the embedded [256, 128] base', (dir) =>
  runExperimentArgs(dir, setPath(small, 'model.hidden', [256, 128, 64])),
);
refused('exp-model-architecture-transformer', 'model.architecture "transformer" with the embedded MLP base', (dir) =>
  runExperimentArgs(dir, setPath(small, 'model.architecture', 'transformer')),
);
refused('exp-model-architecture-unknown', 'model.architecture "resnet", which nothing registers', (dir) =>
  runExperimentArgs(dir, setPath(small, 'model.architecture', 'resnet')),
);
refused('exp-shards-above-classes', 'shards with classesPerClient 11, above the 10 classes', (dir) =>
  runExperimentArgs(dir, setPath(small, 'data.partition', { kind: 'shards', classesPerClient: 11 })),
);
refused('exp-clients-million', '1,000,000 clients (the maximum) for 300 training images', (dir) => runExperimentArgs(dir, setPath(small, 'data.numClients', 1_000_000)));
refused('exp-clients-above-images', '301 clients for 300 training images (one holds none)', (dir) => runExperimentArgs(dir, setPath(small, 'data.numClients', 301)));
accepted('exp-evaluate-rarely', 'evaluation.every 5 in a 2-round run: the last round is still evaluated', (dir) =>
  runExperimentArgs(dir, setPath(small, 'evaluation.every', 5)), (dir) => {
    const rows = readLedger(join(dir, 'out', 'ledger.jsonl'));
    return rows.at(-1)?.testAccuracy === null ? 'the last round was not evaluated' : finished(dir);
  },
);
refused('exp-upstream-classes-empty', 'data.upstreamClasses []', (dir) => runExperimentArgs(dir, setPath(small, 'data.upstreamClasses', [])));
refused('exp-upstream-classes-other', 'data.upstreamClasses [5,6,7,8,9], not those the base learnt', (dir) =>
  runExperimentArgs(dir, setPath(small, 'data.upstreamClasses', [5, 6, 7, 8, 9])),
);
refused('exp-tasks-per-client-inverted', 'data.tasksPerClient min 3 above max 1', (dir) =>
  runExperimentArgs(dir, setPath(small, 'data', { numClients: 4, trainLimit: 300, testLimit: 200, tasks: [{ name: 'a' }, { name: 'b', rotate: 90 }], tasksPerClient: { min: 3, max: 1 } })),
);
refused('exp-task-groups-unknown-task', 'a task-groups partition naming task 99', (dir) =>
  runExperimentArgs(dir, setPath(small, 'data', { numClients: 4, trainLimit: 300, testLimit: 200, tasks: [{ name: 'a' }], partition: { kind: 'task-groups', groups: [[99]] } })),
);
refused('exp-client-ranks-above-rank', 'adapter.clientRanks [8, 2] above adapter.rank 4', (dir) =>
  runExperimentArgs(dir, setPath(small, 'adapter', { name: 'lora', rank: 4, clientRanks: [8, 2] })),
);
refused('exp-target-modules-unknown', 'adapter.targetModules ["attn.q"], which the MLP base lacks', (dir) =>
  runExperimentArgs(dir, setPath(small, 'adapter', { name: 'lora', targetModules: ['attn.q'] })),
);
refused('exp-compressor-unknown', 'compressor "zip"', (dir) => runExperimentArgs(dir, setPath(small, 'compressor', 'zip')));
refused('exp-update-screen-global-no-factor', 'updateScreen relative to the global model without its factor', (dir) =>
  runExperimentArgs(dir, setPath(small, 'updateScreen', { relativeTo: 'global-model' })),
);
refused('exp-compare-bad-component', 'a compare entry whose compressor does not exist (checked before the main run starts)', (dir) =>
  runExperimentArgs(dir, { ...small, compare: [{ label: 'b', compressor: 'zip' }] }),
);
refused('exp-plugin-unknown', 'plugins lists a package that is not installed', (dir) => runExperimentArgs(dir, { ...small, plugins: ['fedtune-plugin-does-not-exist'] }));
refused('exp-plugin-node-builtin', 'plugins lists the Node builtin "node:child_process"', (dir) => runExperimentArgs(dir, { ...small, plugins: ['node:child_process'] }));
refused('exp-plugin-path-traversal', 'plugins lists "../../../etc/passwd"', (dir) => runExperimentArgs(dir, { ...small, plugins: ['../../../etc/passwd'] }));
refused('exp-plugin-core-itself', 'plugins lists @fedtune/core itself', (dir) => runExperimentArgs(dir, { ...small, plugins: ['@fedtune/core'] }));

// ---- labels that try to drive the terminal --------------------------------------------------------
const ESCAPES = '\u001b[2J\u001b[31mred\u001b]0;pwned\u0007\u009b1m';
const noEscapes = (stream) => (dir, result) => {
  const text = result[stream];
  if (/[\u001b\u009b\u0007]/.test(text)) return `${stream} holds a terminal control character from the input`;
  return stream === 'stdout' ? finishedRunProblem(join(dir, 'out')) : undefined;
};
accepted('exp-label-escapes', 'a label holding terminal escape sequences (clear screen, colour, window title)', (dir) =>
  runExperimentArgs(dir, { ...small, label: `lab${ESCAPES}el` }), noEscapes('stdout'),
);
accepted('exp-compare-label-escapes', 'a compare label holding escape sequences and a carriage return', (dir) =>
  runExperimentArgs(dir, { ...small, compare: [{ label: `b\r${ESCAPES}`, adapter: { name: 'head' } }] }), (dir, result) =>
    noEscapes('stdout')(dir, result) ?? finishedRunProblem(join(dir, 'out', 'compare', 'b-2j-31mred-0-pwned-1m')),
);
refused('exp-compressor-name-escapes', 'an unknown compressor named with escape sequences (the error quotes it)', (dir) =>
  runExperimentArgs(dir, setPath(small, 'compressor', `zip${ESCAPES}`)), { check: noEscapes('stderr') },
);
accepted(
  'exp-compare-label-traversal',
  'a compare label "../../escaped" (its folder must stay inside compare/)',
  (dir) => runExperimentArgs(dir, { ...small, compare: [{ label: '../../escaped', adapter: { name: 'head' } }] }),
  (dir) => {
    const outside = listTree(dir).filter((path) => !path.startsWith('out') && path !== 'exp.json');
    return outside.length > 0 ? `wrote outside the results folder: ${outside.join(', ')}` : finished(dir);
  },
);
accepted(
  'exp-compare-duplicate-labels',
  'two compare entries with one label (two folders, neither overwritten)',
  (dir) => runExperimentArgs(dir, { ...small, compare: [{ label: 'b', adapter: { name: 'head' } }, { label: 'b', training: { learningRate: 0.01 } }] }),
  (dir) => finished(dir) ?? finishedRunProblem(join(dir, 'out', 'compare', 'b')) ?? finishedRunProblem(join(dir, 'out', 'compare', 'b-x')),
);

export { entries };
