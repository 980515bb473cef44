// @ts-check
/**
 * Fuzz cases of `fedtune run FILE`: small valid experiments, edited key by key and then perhaps
 * damaged as bytes. A refusal must leave no results; a run must leave exactly the experiment's.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseExperiment } from '@fedtune/core';
import { applyByteDamage, byteDamage } from './byteDamage.mjs';
import { expectCleanOutcome, runCli } from './cliOutcome.mjs';
import { isQuickToRun } from './experimentCost.mjs';
import { writeJson } from './jsonDocument.mjs';
import { applyJsonMutations, jsonMutation } from './jsonMutations.mjs';
import { expectFinishedExperiment } from './resultsFolderChecks.mjs';

const partition = fc.oneof(
  fc.constant({ kind: 'iid' }),
  fc.record({ kind: fc.constant('dirichlet'), alpha: fc.constantFrom(0.3, 1, 5) }),
  fc.record({ kind: fc.constant('shards'), classesPerClient: fc.integer({ min: 1, max: 3 }) }),
);

/** A valid experiment that trains in a second or two: 1–2 rounds, 2–4 clients, a few hundred images. */
export const smallExperiment = fc.record(
  {
    name: fc.constantFrom('fuzz', 'fuzz run', 'résumé 名前'),
    seed: fc.nat({ max: 1000 }),
    data: fc.record({
      numClients: fc.integer({ min: 2, max: 4 }),
      trainLimit: fc.integer({ min: 60, max: 300 }),
      testLimit: fc.integer({ min: 20, max: 200 }),
      partition,
    }),
    adapter: fc.oneof(
      fc.record({ name: fc.constant('lora'), rank: fc.integer({ min: 1, max: 4 }), alpha: fc.constantFrom(1, 4, 8) }),
      fc.constant({ name: 'head' }),
    ),
    training: fc.record(
      {
        rounds: fc.integer({ min: 1, max: 2 }),
        batchSize: fc.constantFrom(16, 32, 64),
        learningRate: fc.constantFrom(0.001, 0.005, 0.05),
        optimizer: fc.constantFrom('adam', 'sgd'),
      },
      { requiredKeys: ['rounds'] },
    ),
    compressor: fc.oneof(
      fc.constant('none'),
      fc.record({ name: fc.constant('qsgd'), options: fc.record({ levels: fc.integer({ min: 1, max: 255 }) }) }),
    ),
    selector: fc.oneof(
      fc.constant('all'),
      fc.record({ name: fc.constant('uniform'), options: fc.record({ fraction: fc.constantFrom(0.5, 1) }) }),
    ),
    channel: fc.oneof(
      fc.constant('reliable'),
      fc.record({ name: fc.constant('bernoulli'), options: fc.record({ successRate: fc.constantFrom(0, 0.5, 1) }) }),
    ),
    compare: fc.constantFrom([], [{ label: 'head only', adapter: { name: 'head' } }]),
  },
  { requiredKeys: ['data', 'training'] },
);

/** A small experiment, up to three edits, perhaps damaged bytes, and whether the run checkpoints. */
const experimentCase = fc.record({
  experiment: smallExperiment,
  mutations: fc.array(jsonMutation, { maxLength: 3 }),
  bytes: fc.option(byteDamage, { freq: 2, nil: undefined }),
  indent: fc.boolean(),
  checkpointed: fc.boolean(),
});

/** @type {import('./runner.mjs').FuzzCases} */
export const experimentCases = {
  arbitrary: experimentCase,
  prepare: async () => undefined,
  async check(recipe, _fixture, dir) {
    const text = writeJson(applyJsonMutations(recipe.experiment, recipe.mutations), recipe.indent);
    const bytes = recipe.bytes === undefined ? Buffer.from(text) : applyByteDamage(Buffer.from(text), recipe.bytes);
    const file = join(dir, 'experiment.json');
    writeFileSync(file, bytes);
    const experiment = validExperiment(bytes);
    if (experiment !== undefined && !isQuickToRun(experiment)) return { outcome: 'skipped' };

    const out = join(dir, 'results');
    const checkpoint = recipe.checkpointed ? ['--checkpoint-every', '1'] : [];
    const result = await runCli(['run', file, '--out', out, '--workers', '1', ...checkpoint]);
    const outcome = expectCleanOutcome(result);
    if (outcome === 'refused') {
      const left = existsSync(out) ? readdirSync(out, { recursive: true }) : [];
      if (left.length > 0) throw new Error(`the refused run left files in its results folder: ${left.slice(0, 8).join(', ')}`);
    } else {
      if (experiment === undefined) throw new Error('fedtune ran a file that core does not read as a valid experiment');
      expectFinishedExperiment(out, experiment, { checkpointed: recipe.checkpointed });
    }
    return { outcome, stderr: result.stderr };
  },
};

/**
 * The experiment the bytes hold when they are one, as the schema reads it.
 * @param {Buffer} bytes
 */
function validExperiment(bytes) {
  try {
    return parseExperiment(JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')));
  } catch {
    return undefined;
  }
}
