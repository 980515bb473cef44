import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeExperiment(name: string, content: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

const valid = { data: { numClients: 2 }, training: { rounds: 1 } };
const emptyOut = () => mkdtempSync(join(folder, 'out-'));

describe('fedtune run, refusing bad input before any work', () => {
  it('reports malformed JSON with line and column, without a stack, and exits 2', async () => {
    const path = writeExperiment('broken.json', '{\n  "data": { "numClients": 2 },\n  "training": { "rounds": 1 },\n}');
    const { code, stderr } = await runCli(['run', path, '--out', emptyOut()]);
    expect(code).toBe(2);
    expect(stderr).toContain(`error: experiment file ${path} is not valid JSON: line 4, column 1: trailing comma`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('lists every schema problem with its field path and exits 2', async () => {
    const path = writeExperiment('invalid.json', {
      data: { numClients: 2, partition: { kind: 'dirchlet' } },
      training: { rounds: 0 },
    });
    const { code, stderr } = await runCli(['run', path]);
    expect(code).toBe(2);
    expect(stderr).toContain('has 2 problems:');
    expect(stderr).toContain(
      'data.partition.kind: got "dirchlet" (did you mean "dirichlet"?); allowed: iid, dirichlet, dirichlet-quantity, shards, task-groups',
    );
    expect(stderr).toContain('training.rounds: got 0; allowed: an integer from 1 to 100000');
  });

  it('tells how to install a plugin that is not installed, and exits 2', async () => {
    const path = writeExperiment('plugin.json', { ...valid, plugins: ['fedtune-plugin-not-installed'] });
    const { code, stderr } = await runCli(['run', path, '--out', emptyOut()]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: plugin "fedtune-plugin-not-installed" is not installed: npm install fedtune-plugin-not-installed\n',
    );
  });

  it('keeps every message short when the input quotes megabytes: names, plugin names, paths, problem lists', async () => {
    const cases = [
      { ...valid, compressor: '\u0000'.repeat(100_000) },
      { ...valid, channel: '\n'.repeat(1_000_000) },
      { ...valid, plugins: ['x'.repeat(1_000_000)] },
      { ...valid, data: { ...valid.data, source: 'x'.repeat(1_000_000) } },
      { ...valid, compare: Array.from({ length: 1000 }, () => ({ label: 1 })) },
    ];
    for (const [index, experiment] of cases.entries()) {
      const { code, stderr } = await runCli(['run', writeExperiment(`long-${index}.json`, experiment), '--out', emptyOut()]);
      expect(code, stderr.slice(0, 200)).toBe(2);
      expect(stderr.length, stderr.slice(0, 200)).toBeLessThan(4200);
      expect(stderr).toMatch(/^error: /);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
    const names = await runCli(['run', writeExperiment('long-name.json', cases[0]), '--out', emptyOut()]);
    expect(names.stderr).toMatch(/^error: unknown compressor "(\\u0000){80}…"; registered: none, qsgd\./);
    const problems = await runCli(['run', writeExperiment('long-list.json', cases[4]), '--out', emptyOut()]);
    expect(problems.stderr).toContain('has 1000 problems:');
    expect(problems.stderr).toContain('  - … and 980 more\n');
  });

  it('names an unknown component and what is registered, before running', async () => {
    const path = writeExperiment('component.json', { ...valid, aggregator: 'krum' });
    const { code, stderr } = await runCli(['run', path, '--out', emptyOut()]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: unknown aggregator "krum"; registered: fedavg\. If it comes from a plugin/);
  });

  it('applies --backend before checking names, looking for fedtune\'s package of that backend', async () => {
    const path = writeExperiment('backend.json', valid);
    const { code, stderr } = await runCli(['run', path, '--out', emptyOut(), '--backend', 'quantum']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/plugin "@fedtune\/backend-quantum" is not installed: npm install @fedtune\/backend-quantum/);
  });

  it('refuses a non-empty --out folder unless --overwrite', async () => {
    const path = writeExperiment('out.json', valid);
    const out = emptyOut();
    writeFileSync(join(out, 'summary.json'), '{}');
    const { code, stderr } = await runCli(['run', path, '--out', out]);
    expect(code).toBe(2);
    expect(stderr).toContain(`results folder ${out} is not empty; pass --overwrite to write into it`);
  });

  it('reports a missing experiment file, and shows the stack only with --debug', async () => {
    const missing = join(folder, 'missing.json');
    const plain = await runCli(['run', missing]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/^error: experiment file not found: .*missing\.json; check the path\n$/);
    const debug = await runCli(['--debug', 'run', missing]);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('needs an experiment file unless --resume, and --resume takes no other settings', async () => {
    const none = await runCli(['run']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('fedtune run needs an experiment file');
    const path = writeExperiment('resume-clash.json', valid);
    const clash = await runCli(['run', path, '--resume', emptyOut(), '--seed', '3']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain(`drop the experiment file ${path}, --seed`);
    const plain = await runCli(['run', '--resume', emptyOut()]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('only runs started with --checkpoint-every can be resumed');
  });

  it('shows a bounded excerpt of a one-line file of megabytes, and names a field given twice', async () => {
    const long = writeExperiment('long.json', `{"data": {"numClients": 2}, "name": "${'n'.repeat(5_000_000)}" x}`);
    const broken = await runCli(['run', long, '--out', emptyOut()]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON: line 1, column 5000040');
    expect(broken.stderr.length).toBeLessThan(1000);
    const twice = writeExperiment('twice.json', '{"data": {"numClients": 2, "numClients": 3}, "training": {"rounds": 1}}');
    const duplicate = await runCli(['run', twice, '--out', emptyOut()]);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('line 1, column 28: data.numClients is given twice');
  });

  it('refuses a folder given as the experiment', async () => {
    const sub = join(folder, 'experiments');
    mkdirSync(sub, { recursive: true });
    const { code, stderr } = await runCli(['run', sub]);
    expect(code).toBe(2);
    expect(stderr).toContain('is a folder');
  });
});
