import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readResumeRecord } from '@fedtune/core';
import { runCli } from './capture.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-set-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A small experiment whose aggregator is named alone, as most files do. */
const experiment = join(folder, 'experiment.json');
writeFileSync(
  experiment,
  JSON.stringify({
    name: 'set overrides',
    data: { numClients: 3, trainLimit: 300, testLimit: 200 },
    training: { rounds: 4 },
    aggregator: 'fedavg',
  }),
);

describe('fedtune run --set', () => {
  it('is documented in `fedtune run --help`, with --dry-run', async () => {
    const { code, stdout } = await runCli(['run', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}--set <path=value> +replace one field of the experiment file \(repeatable\)/m);
    expect(stdout).toMatch(/^ {2}--dry-run +load the plugins, components, data and base/m);
  });

  it('runs and records the experiment with every --set applied, and --resume goes on with it', async () => {
    const out = join(folder, 'results');
    const args = ['--set', 'training.rounds=1', '--set', 'aggregator.options.weighting=uniform', '--set', 'label=overridden'];
    const { code, stdout, stderr } = await runCli(['run', experiment, ...args, '--out', out, '--checkpoint-every', '1']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\[overridden\] round 1\/1 /m);
    const recorded = JSON.parse(readFileSync(join(out, 'experiment.json'), 'utf8')) as Record<string, unknown>;
    expect(recorded).toMatchObject({
      label: 'overridden',
      training: { rounds: 1 },
      aggregator: { name: 'fedavg', options: { weighting: 'uniform' } },
    });
    expect(readResumeRecord(out).experiment).toMatchObject({ label: 'overridden', training: { rounds: 1 } });

    const changed = await runCli(['run', '--resume', out, '--set', 'training.rounds=9']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('--resume goes on with the settings the run was started with; drop --set');
  });

  it("refuses a value the schema refuses, with the schema's message naming the path and the --set", async () => {
    const { code, stderr } = await runCli(['run', experiment, '--set', 'training.rounds=abc', '--set', 'trainig.rounds=5']);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `error: experiment file ${experiment} with --set training.rounds=abc --set trainig.rounds=5 has 2 problems:\n` +
        '  - training.rounds: got "abc"; allowed: an integer from 1 to 100000\n' +
        '  - trainig: unknown field (did you mean "training"?)',
    );
  });

  it('refuses a setting that is no path=value, or a path through a number', async () => {
    const noValue = await runCli(['run', experiment, '--set', 'training.rounds']);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain('expected path=value with a dotted path of field names');
    const throughNumber = await runCli(['run', experiment, '--set', 'training.rounds.max=3']);
    expect(throughNumber.code).toBe(2);
    expect(throughNumber.stderr).toContain('training.rounds is 4, which has no fields');
  });
});

describe('fedtune run --dry-run', () => {
  it('prepares every run and prints what it would do, writing nothing', async () => {
    const out = join(folder, 'dry', 'results');
    const { code, stdout, stderr } = await runCli([
      'run', experiment, '--dry-run', '--out', out, '--workers', '1',
      '--set', 'selector={"name":"uniform","options":{"fraction":0.5}}',
      '--set', 'compare=[{"label":"head","adapter":{"name":"head"}}]',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^dry run of "set overrides": 2 runs, nothing trained or written$/m);
    expect(stdout).toMatch(/^ {2}data: {4}fashion-mnist embedded: clients hold 300 training examples of 1 task \(/m);
    expect(stdout).toMatch(/^ {2}base: {4}.*fashion-mnist-mlp\.safetensors \(mlp, [\d.]+ kB of frozen weights\)$/m);
    expect(stdout).toMatch(/^ {2}rounds: {5}4$/m);
    // ⌈0.5 · 3⌉ clients a round.
    expect(stdout).toMatch(/^ {2}clients: {4}3 \(3 adapter slots\), 2 per round$/m);
    const parameters = [...stdout.matchAll(/^ {2}adapter: {4}(\d+) trainable parameters; ([\d.]+) kB per upload uncompressed/gm)];
    expect(parameters).toHaveLength(2);
    for (const [, count, kB] of parameters) expect(Number(kB)).toBeCloseTo((Number(count) * 4) / 1000, 1);
    // The head alone trains fewer parameters than LoRA and the head.
    expect(Number(parameters[1]?.[1])).toBeLessThan(Number(parameters[0]?.[1]));
    expect(stdout).toMatch(/^ {2}memory: {5}about [\d.]+ MB: base and data [\d.]+ MB, [\d.]+ kB per worker/m);
    expect(existsSync(join(folder, 'dry'))).toBe(false);
  });

  it('fails as the run would: a bad component option, a results folder in use', async () => {
    const badOption = await runCli(['run', experiment, '--dry-run', '--set', 'aggregator.options.weighting=median']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('aggregator fedavg: options.weighting');
    const used = join(folder, 'used');
    mkdirSync(used);
    writeFileSync(join(used, 'ledger.jsonl'), 'an earlier run\n');
    const notEmpty = await runCli(['run', experiment, '--dry-run', '--out', used]);
    expect(notEmpty.code).toBe(2);
    expect(notEmpty.stderr).toContain('is not empty; pass --overwrite');
    expect(readdirSync(used)).toEqual(['ledger.jsonl']);
  });
});
