import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFingerprint } from '../../src/engine/checkpoint.js';
import { ConfigError } from '../../src/errors.js';
import { findJsonSyntaxProblem } from '../../src/experiment/jsonSyntax.js';
import { parseExperiment, readExperimentFile } from '../../src/experiment/load.js';
import { MAX_EXPERIMENT_NESTING } from '../../src/experiment/nestingDepth.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-nesting-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const minimal = { data: { numClients: 2 }, training: { rounds: 1 } };

/** `depth` lists, one inside the other, around `inner`. */
function nestedLists(depth: number, inner: unknown = 1): unknown {
  let value = inner;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

/** An experiment whose `adapter.options.deep` holds lists nested so the whole file is `levels` deep. */
function experimentNested(levels: number): unknown {
  // The top-level object, `adapter` and `options` are the first three levels.
  return { ...minimal, adapter: { options: { deep: nestedLists(levels - 3) } } };
}

describe('nesting depth of experiments', () => {
  it('accepts the documented depth and refuses one level more, naming the path', () => {
    expect(parseExperiment(experimentNested(MAX_EXPERIMENT_NESTING)).adapter.options).toHaveProperty('deep');
    const error = (() => {
      try {
        parseExperiment(experimentNested(MAX_EXPERIMENT_NESTING + 1));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    // The list at the first level too deep: `deep` is level 4, each `[0]` one more.
    expect(message).toContain(`adapter.options.deep${'[0]'.repeat(MAX_EXPERIMENT_NESTING + 1 - 4)} `);
    expect(message).toContain(`more than the ${MAX_EXPERIMENT_NESTING} levels`);
  });

  it('refuses a file with 100,000 nested lists in adapter.options with a ConfigError, not a stack overflow', async () => {
    const path = join(folder, 'deep.json');
    writeFileSync(path, JSON.stringify({ ...minimal, adapter: { options: { deep: 0 } } }).replace('0', `${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    const error = await readExperimentFile(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^experiment file .*deep\.json: adapter\.options\.deep\[0\]/);
    expect((error as Error).message.length).toBeLessThan(1000);
  });

  it('locates a syntax error after 100,000 nested lists', () => {
    const text = `{"a": ${'['.repeat(100_000)}1,]}`;
    expect(findJsonSyntaxProblem(text)).toMatchObject({ line: 1, column: 100_009, problem: expect.stringMatching(/trailing comma/) });
  });

  it('keeps the run fingerprint from overflowing on an experiment built in code', () => {
    expect(() => runFingerprint(experimentNested(100_000))).toThrow(ConfigError);
    expect(runFingerprint(parseExperiment(minimal))).toMatch(/^[0-9a-f]{64}$/);
  });
});
