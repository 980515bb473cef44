import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-seeds-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const experiment = join(folder, 'experiment.json');
writeFileSync(
  experiment,
  JSON.stringify({
    name: 'seeds',
    data: { numClients: 3, trainLimit: 300, testLimit: 200 },
    training: { rounds: 2 },
    aggregator: 'fedavg',
  }),
);

/** A folder's ledger rows without their wall times, which differ from run to run. */
function ledgerWithoutWallTimes(dir: string): unknown[] {
  return readFileSync(join(dir, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { wallMs: _wallMs, ...row } = JSON.parse(line) as Record<string, unknown>;
      return row;
    });
}

/** A folder's recorded experiment without the time it was resolved at. */
function recordedExperiment(dir: string): unknown {
  const recorded = JSON.parse(readFileSync(join(dir, 'experiment.json'), 'utf8')) as Record<string, unknown>;
  const { resolvedAt: _resolvedAt, ...rest } = recorded;
  return rest;
}

describe('fedtune run --seeds', () => {
  it('is documented in `fedtune run --help`', async () => {
    const { code, stdout } = await runCli(['run', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}--seeds <list> +run once per seed, e\.g\. 1,2,3 or 1-5 or 1-3,7/m);
    expect(stdout).toMatch(/<out>\/seed-<n>\//);
    expect(stdout).toMatch(/^ {2}--parallel <n> +with --seeds: seeds run at once/m);
  });

  it('writes one folder per seed, each what --seed n --out <out>/seed-<n> writes, and prints the seeds as mean ± std', async () => {
    const out = join(folder, 'seeds');
    const args = ['--seeds', '1-2', '--parallel', '2', '--set', 'label=many', '--out', out];
    const { code, stdout, stderr } = await runCli(['run', experiment, ...args]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`seeds 1, 2: 2 at a time, `);
    expect(stdout).toMatch(new RegExp(`^seed 1 done in [\\d.]+ s: ${join(out, 'seed-1')}$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^seed 2 done in [\\d.]+ s: ${join(out, 'seed-2')}$`, 'm'));
    // One row for both seeds, as `fedtune compare` prints it.
    expect(stdout).toMatch(/│ many\s+│ 1, 2\s+│\s+2 │[\d,\s]+│ \d+\.\d\d% ± \d+\.\d\d% │/);
    expect(stdout).toContain(`results: ${out}\n`);

    const single = join(folder, 'single-seed-2');
    const alone = await runCli(['run', experiment, '--seed', '2', '--set', 'label=many', '--out', single]);
    expect(alone.code).toBe(0);
    expect(ledgerWithoutWallTimes(join(out, 'seed-2'))).toEqual(ledgerWithoutWallTimes(single));
    expect(recordedExperiment(join(out, 'seed-2'))).toEqual(recordedExperiment(single));
    expect(ledgerWithoutWallTimes(join(out, 'seed-1'))).not.toEqual(ledgerWithoutWallTimes(single));
  });

  it('lets the other seeds finish when one fails, then exits non-zero naming it', async () => {
    const out = join(folder, 'one-fails');
    mkdirSync(join(out, 'seed-2'), { recursive: true });
    writeFileSync(join(out, 'seed-2', 'ledger.jsonl'), 'an earlier run\n');
    const { code, stdout, stderr } = await runCli(['run', experiment, '--seeds', '1,2,3', '--parallel', '1', '--out', out]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/^seed 2 failed in [\d.]+ s \(exit status 2\):\n {2}error: .*is not empty; pass --overwrite/m);
    expect(stdout).toMatch(/│ seeds\s+│ 1, 3\s+│/);
    expect(existsSync(join(out, 'seed-3', 'ledger.jsonl'))).toBe(true);
    expect(stderr).toContain('error: seed 2 of 3 failed (see above); rerun one alone with --seed n');
    expect(readFileSync(join(out, 'seed-2', 'ledger.jsonl'), 'utf8')).toBe('an earlier run\n');
  });

  it('refuses --seed, --resume and --dry-run beside it, and --parallel without it', async () => {
    const withSeed = await runCli(['run', experiment, '--seeds', '1,2', '--seed', '3']);
    expect(withSeed.code).toBe(2);
    expect(withSeed.stderr).toContain("option '--seeds <list>' cannot be used with option '--seed <n>'");
    const withResume = await runCli(['run', '--resume', join(folder, 'seeds', 'seed-1'), '--seeds', '1,2']);
    expect(withResume.code).toBe(2);
    expect(withResume.stderr).toContain("cannot be used with option '--resume <dir>'");
    const withDryRun = await runCli(['run', experiment, '--seeds', '1,2', '--dry-run']);
    expect(withDryRun.code).toBe(2);
    expect(withDryRun.stderr).toContain("cannot be used with option '--dry-run'");
    const parallelAlone = await runCli(['run', experiment, '--parallel', '2']);
    expect(parallelAlone.code).toBe(2);
    expect(parallelAlone.stderr).toContain('--parallel sets how many seeds of --seeds run at once; add --seeds LIST');
    const duplicate = await runCli(['run', experiment, '--seeds', '1-3,3']);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('seed 3 is listed twice in "1-3,3"');
  });
});
