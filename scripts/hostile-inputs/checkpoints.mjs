// Resume state: `fedtune run --resume` on copies of a stopped run whose checkpoint, resume.json or
// ledger was damaged — flipped bits, cuts, files that are not files, and changes resealed with a
// fresh digest so they reach the checks behind it (NaN in the global or in client memory, a
// rewritten round, null memory entries) — plus stale temporaries and plugins inside the folder.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, deepList, finishedRunProblem, linkPackages, mkfifo, readLedger, symlink, writeJson, writePlugin, writeText } from './fixtures.mjs';
import { flipBit, parseSafetensors, resealCheckpoint, rewriteTensors, tensorRange } from './safetensors.mjs';

const KIND = 'checkpoint';
const entries = [];
const CHECKPOINT = 'checkpoint.safetensors';
const STOPPED_ROUNDS = 3;

/**
 * `run --resume out` on a copy of the stopped run `fixtureName` at `dir/out`, after
 * `change(out, dir)`; the AQUILA run gets its plugin linked beside the folder.
 */
const resumeAfter = (change, fixtureName = 'stoppedRun') => async (dir) => {
  linkPackages(dir, fixtureName === 'stoppedAquila' ? ['core', 'plugin-aquila'] : ['core']);
  const out = await copyFixture(fixtureName, join(dir, 'out'));
  const plan = await change(out, dir);
  return { args: ['run', '--resume', 'out'], ...plan };
};
const refused = (id, description, change, extra = {}) =>
  entries.push({ id, kind: KIND, description, expect: 'refused', setup: resumeAfter(change, extra.fixture), ...extra });
const refusedAquila = (id, description, change, extra = {}) => refused(id, description, change, { ...extra, fixture: 'stoppedAquila' });
const finished = (dir) => finishedRunProblem(join(dir, 'out'), { rounds: STOPPED_ROUNDS });
const accepted = (id, description, change, check = finished, extra = {}) =>
  entries.push({ id, kind: KIND, description, expect: 'accepted', setup: resumeAfter(change, extra.fixture), check, ...extra });

const ckpt = (out) => join(out, CHECKPOINT);
/** Byte offset in the checkpoint of element `index` of tensor `name`. */
const elementOffset = (out, name, index) => tensorRange(readFileSync(ckpt(out)), name).begin + 4 * index;
const tensor = (content, name) => content.tensors.find((t) => t.name === name);
const memoryList = (content) => JSON.parse(content.metadata.memory);
const firstMemoryTensor = (content) => memoryList(content).find((entry) => 'tensor' in entry[3])[3].tensor;

// ---- controls ---------------------------------------------------------------------------------------
accepted('resume-intact', 'resume an intact stopped run (control)', () => {});
accepted('resume-intact-aquila', 'resume an intact stopped AQUILA run, memory in its checkpoint (control)', () => {}, finished, { fixture: 'stoppedAquila' });
accepted('resume-no-checkpoint', 'resume a run killed before its first checkpoint (resume.json alone): it starts again', (out) => rmSync(ckpt(out)));

// ---- the checkpoint's bytes, changed without a fresh digest -------------------------------------
refused('ckpt-flip-exponent-global', 'one flipped exponent bit in the global tensor', (out) => flipBit(ckpt(out), elementOffset(out, 'global', 10) + 3, 6));
const FLIP_AT = {
  'header-length': () => 0,
  'header-middle': (bytes) => 8 + (parseSafetensors(bytes).headerLength >> 1),
  'data-first': (bytes) => parseSafetensors(bytes).dataStart,
  'data-last': (bytes) => bytes.length - 1,
};
for (const [where, offsetOf] of Object.entries(FLIP_AT)) {
  refused(`ckpt-flip-byte-${where}`, `the checkpoint with every bit of one byte flipped (${where.replaceAll('-', ' ')})`, (out) => {
    const bytes = readFileSync(ckpt(out));
    bytes[offsetOf(bytes)] ^= 0xff;
    writeFileSync(ckpt(out), bytes);
  });
}
const CUT_AT = { 0: () => 0, 8: () => 8,  'minus-1': (b) => b.length - 1 };
for (const [where, lengthOf] of Object.entries(CUT_AT)) {
  refused(`ckpt-truncated-${where}`, `the checkpoint cut ${where === 'minus-1' ? 'by its last byte' : `at ${where.replace('-', ' ')}`}`, (out) => {
    const bytes = readFileSync(ckpt(out));
    writeFileSync(ckpt(out), bytes.subarray(0, lengthOf(bytes)));
  });
}
refused('ckpt-appended-garbage', 'the checkpoint with 64 garbage bytes appended (safetensors requires the data to be indexed whole)', (out) => writeFileSync(ckpt(out), Buffer.concat([readFileSync(ckpt(out)), Buffer.alloc(64, 0xab)])));
refused('ckpt-next-round-rewritten', 'nextRound rewritten in the metadata (digest not updated)', (out) =>
  rewriteTensors(ckpt(out), (content) => void (content.metadata.nextRound = '2')),
);
refusedAquila('aq-memory-nan-unsealed', 'NaN written into a client memory tensor (digest not updated)', (out) => {
  const bytes = readFileSync(ckpt(out));
  const memory = JSON.parse(parseSafetensors(bytes).header.__metadata__.memory);
  const name = memory.find((entry) => 'tensor' in entry[3])[3].tensor;
  bytes.writeFloatLE(Number.NaN, tensorRange(bytes, name).begin);
  writeFileSync(ckpt(out), bytes);
});

// ---- the checkpoint resealed: the change reaches the checks behind the digest -------------------
const resealed = (change) => (out) => resealCheckpoint(ckpt(out), change);
for (const [name, value] of [
  ['99', '99'],
  ['1e15', '1000000000000000'],
]) {
  refused(`ckpt-resealed-next-round-${name}`, `nextRound "${value}", resealed`, resealed((content) => void (content.metadata.nextRound = value)));
}
refused('ckpt-resealed-nan-global', 'NaN in the global tensor, resealed', resealed((content) => void (tensor(content, 'global').data[3] = Number.NaN)));
refused('ckpt-resealed-inf-global', '+Infinity in the global tensor, resealed', resealed((content) => void (tensor(content, 'global').data[3] = Number.POSITIVE_INFINITY)));
refused('ckpt-resealed-global-short', 'the global tensor one value short, resealed', resealed((content) => {
  const global = tensor(content, 'global');
  global.data = global.data.slice(0, -1);
  global.shape = [global.data.length];
}));
refused('ckpt-resealed-fingerprint', 'the fingerprint of another experiment, resealed', resealed((content) => void (content.metadata.fingerprint = '0'.repeat(64))));
refused('ckpt-resealed-groups-garbage', 'groups metadata that is not JSON, resealed', resealed((content) => void (content.metadata.groups = '{not json')));
refused('ckpt-resealed-memory-5000-deep', 'memory metadata nested 5,000 lists deep, resealed', resealed((content) => void (content.metadata.memory = deepList(5000, '[]'))));
refusedAquila('aq-memory-null-entry', 'a null client memory entry, resealed', resealed((content) => {
  const memory = memoryList(content);
  memory[0] = null;
  content.metadata.memory = JSON.stringify(memory);
}));
refusedAquila('aq-memory-empty-value', 'a memory entry whose value is {}, resealed', resealed((content) => {
  const memory = memoryList(content);
  memory[0][3] = {};
  content.metadata.memory = JSON.stringify(memory);
}));
refusedAquila('aq-memory-nan-tensor', 'NaN in a client memory tensor (the last upload), resealed', resealed((content) => {
  tensor(content, firstMemoryTensor(content)).data[0] = Number.NaN;
}));
refusedAquila('aq-memory-missing-tensor', 'a memory entry naming a tensor the file lacks, resealed', resealed((content) => {
  const memory = memoryList(content);
  memory.find((entry) => 'tensor' in entry[3])[3] = { tensor: 'memory.999' };
  content.metadata.memory = JSON.stringify(memory);
}));
refusedAquila('aq-memory-tensor-short', 'a client memory tensor 3 values long, resealed', resealed((content) => {
  const memoryTensor = tensor(content, firstMemoryTensor(content));
  memoryTensor.data = memoryTensor.data.slice(0, 3);
  memoryTensor.shape = [3];
}));

// ---- the checkpoint is not a file -------------------------------------------------------------------
const replaceCheckpoint = (make) => (out) => {
  rmSync(ckpt(out));
  make(ckpt(out), out);
};
refused('ckpt-directory', 'a folder in place of the checkpoint', replaceCheckpoint((path) => mkdirSync(path)));
refused('ckpt-dev-zero', 'the checkpoint a link to /dev/zero', replaceCheckpoint((path) => symlink('/dev/zero', path)));
refused('ckpt-fifo', 'the checkpoint a named pipe', replaceCheckpoint(mkfifo));
refused('ckpt-empty', 'an empty checkpoint', replaceCheckpoint((path) => writeFileSync(path, '')));

// ---- resume.json ----------------------------------------------------------------------------------
const resumeJson = (out) => join(out, 'resume.json');
const editResume = (change) => (out) => {
  const record = JSON.parse(readFileSync(resumeJson(out), 'utf8'));
  writeJson(resumeJson(out), change(record) ?? record);
};
refused('resume-json-missing', 'no resume.json', (out) => rmSync(resumeJson(out)));
refused('resume-json-garbage', 'resume.json that is not JSON', (out) => writeText(resumeJson(out), '{"experiment": '));
refused('resume-json-5000-deep', 'resume.json with a 5,000-deep value in its experiment', (out) =>
  writeText(resumeJson(out), readFileSync(resumeJson(out), 'utf8').replace('"seed": 1', `"seed": 1, "x": ${deepList(5000)}`)),
);
refused('resume-json-dev-zero', 'resume.json a link to /dev/zero', (out) => {
  rmSync(resumeJson(out));
  symlink('/dev/zero', resumeJson(out));
});
refused('resume-json-fifo', 'resume.json a named pipe', (out) => {
  rmSync(resumeJson(out));
  mkfifo(resumeJson(out));
});
refused('resume-json-experiment-changed', "resume.json's experiment with another learning rate (the checkpoint is another run's)", editResume((record) => void (record.experiment.training.learningRate = 0.5)));
refused('resume-json-fewer-rounds', "resume.json's experiment cut to 1 round, below the checkpoint's", editResume((record) => void (record.experiment.training.rounds = 1)));

// ---- the ledger before the checkpoint round ---------------------------------------------------------
const ledgerPath = (out) => join(out, 'ledger.jsonl');
const firstRowBecomes = (line) => (out) => {
  const lines = readFileSync(ledgerPath(out), 'utf8').split('\n');
  lines[0] = line;
  writeText(ledgerPath(out), lines.join('\n'));
};
refused('ledger-garbage-row-before-checkpoint', 'a garbage first ledger row, before the checkpoint round', firstRowBecomes('\u0000garbage{{'));
refused('ledger-round-1e15-before-checkpoint', 'a first ledger row of round 1e15', (out) => {
  const row = readLedger(ledgerPath(out))[0];
  firstRowBecomes(JSON.stringify({ ...row, round: 1e15 }))(out);
});
refused('ledger-5000-deep-before-checkpoint', 'a first ledger row holding a 5,000-deep value', (out) => {
  const row = JSON.stringify(readLedger(ledgerPath(out))[0]);
  firstRowBecomes(row.replace('{', `{"x":${deepList(5000)},`))(out);
});
refused('ledger-empty-before-checkpoint', 'an empty ledger under a checkpoint after round 1', (out) => writeText(ledgerPath(out), ''));
refused('ledger-dev-zero-before-checkpoint', 'the ledger a link to /dev/zero', (out) => {
  rmSync(ledgerPath(out));
  symlink('/dev/zero', ledgerPath(out));
});
refused('ledger-fifo-before-checkpoint', 'the ledger a named pipe', (out) => {
  rmSync(ledgerPath(out));
  mkfifo(ledgerPath(out));
});
accepted('ledger-rows-after-checkpoint', 'valid ledger rows past the checkpoint round (they are run again)', (out) => {
  const rows = readLedger(ledgerPath(out));
  const extra = { ...rows[0], round: rows.length, testAccuracy: 0.99 };
  writeText(ledgerPath(out), [...rows, extra].map((row) => `${JSON.stringify(row)}\n`).join(''));
}, (dir) => finished(dir) ?? (readLedger(join(dir, 'out', 'ledger.jsonl')).some((row) => row.testAccuracy === 0.99) ? 'a row from past the checkpoint was kept' : undefined));

// ---- leftovers and code inside the results folder ------------------------------------------------
const DEAD_PID = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1000;
accepted('resume-stale-tmp-files', "resume a killed run whose folder holds stale .tmp files of its atomic writes: they are gone after", (out) => {
  writeFileSync(join(out, `.${CHECKPOINT}.${DEAD_PID}.0.tmp`), readFileSync(ckpt(out)).subarray(0, 100));
  writeText(join(out, `.summary.json.${DEAD_PID}.1.tmp`), '{"label":');
  writeText(join(out, `.resume.json.${DEAD_PID}.2.tmp`), '');
});

const EVIL = 'fedtune-plugin-results-evil';
const ranMarker = (dir) => join(dir, 'PLUGIN-CODE-RAN');
/** A plugin whose import alone writes the marker file: its code must never run. */
const evilPlugin = (dir, where) =>
  writePlugin(where, EVIL, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(ranMarker(dir))}, 'ran');\nexport default { name: '${EVIL}', version: '0.0.1', register() {} };\n`);
const pluginNotRun = (dir) => (existsSync(ranMarker(dir)) ? 'the plugin inside the results folder was imported: its code ran' : undefined);
const listEvil = (experimentDir) => editResume((record) => {
  record.experiment.plugins = [EVIL];
  record.experimentDir = experimentDir;
});
refused('resume-plugin-in-results-folder', "resume a folder whose resume.json names a plugin in the folder's own node_modules (experimentDir \".\")", (out, dir) => {
  evilPlugin(dir, out);
  listEvil('.')(out);
}, { check: pluginNotRun });
refused('resume-plugin-in-results-subfolder', 'resume a folder whose experimentDir is a subfolder holding node_modules with the plugin', (out, dir) => {
  mkdirSync(join(out, 'sub'));
  evilPlugin(dir, join(out, 'sub'));
  listEvil('sub')(out);
}, { check: pluginNotRun });
refused('resume-plugin-from-cwd-results', 'resume from inside the results folder (cwd), whose node_modules holds the plugin', (out, dir) => {
  evilPlugin(dir, out);
  listEvil('..')(out);
  return { args: ['run', '--resume', '.'], cwd: out };
}, { check: pluginNotRun });

export { entries };
