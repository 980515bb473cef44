// @ts-check
/**
 * What a results folder must hold after `fedtune` is done with it: after a refusal, exactly what it
 * held before, byte for byte; after a finished experiment, exactly that experiment's files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expandRuns } from '@fedtune/core';

/**
 * Every file and folder under `dir` with a digest of its content (`undefined` when `dir` does not
 * exist), to tell later whether anything changed.
 * @param {string} dir
 * @returns {Map<string, string> | undefined}
 */
export function snapshotFolder(dir) {
  if (!existsSync(dir)) return undefined;
  /** @type {Map<string, string>} */
  const entries = new Map();
  const pending = [''];
  for (let relative = pending.pop(); relative !== undefined; relative = pending.pop()) {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
      const path = join(relative, entry.name);
      if (entry.isDirectory()) {
        entries.set(path, 'folder');
        pending.push(path);
      } else if (entry.isSymbolicLink()) {
        entries.set(path, `link to ${readlinkSync(join(dir, path))}`);
      } else {
        entries.set(path, createHash('sha256').update(readFileSync(join(dir, path))).digest('hex'));
      }
    }
  }
  return entries;
}

/**
 * @param {Map<string, string> | undefined} before
 * @param {Map<string, string> | undefined} after
 * @throws Error naming what was added, removed or changed
 */
export function expectSameFolder(before, after) {
  if (before === undefined && after === undefined) return;
  if (before === undefined || after === undefined) {
    throw new Error(`the folder was ${before === undefined ? `created, holding ${[...(after ?? [])].length} entries` : 'deleted'}`);
  }
  const added = [...after.keys()].filter((path) => !before.has(path));
  const removed = [...before.keys()].filter((path) => !after.has(path));
  const changed = [...before.keys()].filter((path) => after.has(path) && after.get(path) !== before.get(path));
  if (added.length + removed.length + changed.length > 0) {
    const list = (/** @type {string[]} */ paths) => (paths.length === 0 ? '-' : paths.slice(0, 8).join(', '));
    throw new Error(`the folder changed: added ${list(added)}; removed ${list(removed)}; changed ${list(changed)}`);
  }
}

/**
 * Expects `outDir` to hold exactly the finished `experiment`: per run experiment.json, a ledger with
 * one row per round in order, summary.json and the PEFT adapter of a LoRA run; comparisons under
 * compare/; resume.json when `checkpointed`; nothing else (no checkpoint, lock or temporary file).
 * @param {string} outDir
 * @param {import('@fedtune/core').Experiment} experiment
 * @param {{ checkpointed: boolean }} how
 * @throws Error naming the first difference
 */
export function expectFinishedExperiment(outDir, experiment, { checkpointed }) {
  const specs = expandRuns(experiment);
  const comparisons = specs.filter((spec) => spec.folder !== '').map((spec) => spec.folder);
  for (const spec of specs) {
    const dir = spec.folder === '' ? outDir : join(outDir, 'compare', spec.folder);
    const expected = ['experiment.json', 'ledger.jsonl', 'summary.json'];
    if (spec.experiment.adapter.name === 'lora') expected.push('adapter');
    if (spec.folder === '') {
      if (comparisons.length > 0) expected.push('compare');
      if (checkpointed) expected.push('resume.json');
    }
    expectEntries(dir, expected);
    expectLedgerRounds(join(dir, 'ledger.jsonl'), spec.experiment.training.rounds);
    JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    if (spec.experiment.adapter.name === 'lora') {
      const adapter = readdirSync(join(dir, 'adapter'));
      for (const name of ['adapter_config.json', 'adapter_model.safetensors']) {
        if (!adapter.includes(name)) throw new Error(`${join(dir, 'adapter')} lacks ${name}`);
      }
    }
  }
  if (comparisons.length > 0) expectEntries(join(outDir, 'compare'), comparisons);
}

/**
 * @param {string} dir
 * @param {string[]} expected
 */
function expectEntries(dir, expected) {
  const present = existsSync(dir) ? readdirSync(dir) : [];
  const missing = expected.filter((name) => !present.includes(name));
  const extra = present.filter((name) => !expected.includes(name));
  if (missing.length + extra.length > 0) {
    throw new Error(`${dir} holds [${present.sort().join(', ')}]: missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`);
  }
}

/**
 * @param {string} path
 * @param {number} rounds
 */
function expectLedgerRounds(path, rounds) {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new Error(`${path} does not end with a line feed`);
  const found = lines.map((line) => JSON.parse(line).round);
  const wanted = Array.from({ length: rounds }, (_, i) => i);
  if (JSON.stringify(found) !== JSON.stringify(wanted)) {
    throw new Error(`${path} holds rounds [${found.slice(0, 20).join(', ')}], not 0 to ${rounds - 1}`);
  }
}
