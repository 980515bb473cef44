import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-run-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A two-round experiment with the example trimmed-mean plugin and a FedAvg comparison. */
function writeTrimmedMeanExperiment(file: string, name: string): string {
  const path = join(folder, file);
  writeFileSync(
    path,
    JSON.stringify({
      name,
      label: 'trimmed',
      plugins: ['fedtune-plugin-trimmed-mean'],
      data: { numClients: 3, trainLimit: 300, testLimit: 200 },
      training: { rounds: 2 },
      aggregator: { name: 'trimmed-mean', options: { trim: 0.2 } },
      compare: [{ label: 'FedAvg', aggregator: 'fedavg' }],
    }),
  );
  return path;
}

describe('fedtune run', () => {
  it('loads a plugin package, runs every comparison and prints one table row per run', async () => {
    const experiment = writeTrimmedMeanExperiment('experiment.json', 'cli smoke');
    const out = join(folder, 'results');
    const { code, stdout, stderr } = await runCli(['run', experiment, '--out', out, '--seed', '3']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('plugins: fedtune-plugin-trimmed-mean@0.1.0\n');
    expect(stdout).toMatch(/^\[trimmed\] round 2\/2 {2}acc \d+\.\d\d% {2}loss \d+\.\d{4}$/m);
    expect(stdout).toMatch(/^\[FedAvg\] round 2\/2 /m);
    expect(stdout).toMatch(/│ trimmed\s+│\s+\d+\.\d\d% │/);
    expect(stdout).toMatch(/│ FedAvg\s+│\s+\d+\.\d\d% │/);
    expect(stdout).toContain(`results: ${out}\n`);

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { seed: number; rounds: number };
    expect(summary).toMatchObject({ seed: 3, rounds: 2 });
    expect(existsSync(join(out, 'compare', 'fedavg', 'summary.json'))).toBe(true);

    const again = await runCli(['run', experiment, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is not empty; pass --overwrite');
  });

  it('resumes a run started with --checkpoint-every, keeping finished runs and redoing unfinished ones', async () => {
    const experiment = writeTrimmedMeanExperiment('resumable.json', 'cli resume');
    const out = join(folder, 'resumable');
    const first = await runCli(['run', experiment, '--out', out, '--seed', '4', '--checkpoint-every', '1']);
    expect(first.code).toBe(0);
    const mainSummary = readFileSync(join(out, 'summary.json'), 'utf8');
    const compareLedger = readFileSync(join(out, 'compare', 'fedavg', 'ledger.jsonl'), 'utf8');
    // As if the comparison run had been stopped before it finished.
    rmSync(join(out, 'compare', 'fedavg', 'summary.json'));
    const resumed = await runCli(['run', '--resume', out]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).not.toMatch(/^\[trimmed\] round/m);
    expect(resumed.stdout).toMatch(/^\[FedAvg\] round 2\/2 /m);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(mainSummary);
    const strip = (text: string) => text.replace(/"wallMs":[\d.e+-]+,?/g, '');
    expect(strip(readFileSync(join(out, 'compare', 'fedavg', 'ledger.jsonl'), 'utf8'))).toBe(strip(compareLedger));
  });
});
