import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { addCompareCommand } from '../src/commands/compare.js';
import { addReportCommand } from '../src/commands/report.js';
import { ExitCode, exitCodeFor } from '../src/exitCodes.js';
import { CapturedStream } from './capturedStream.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-cli-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `fedtune report|compare` as `main` does: errors become exit statuses and `error:` lines. */
async function fedtune(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const io = { stdout, stderr };
  const program = new Command('fedtune')
    .exitOverride()
    .configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text) });
  addReportCommand(program, io);
  addCompareCommand(program, io);
  let code: number = ExitCode.ok;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) code = error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    else {
      stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      code = exitCodeFor(error);
    }
  }
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/**
 * A results folder with an fp32 run and a 4-level QSGD comparison, 3 rounds each. Accuracy is
 * 0.6, 0.7, 0.8 (+0.02 for the second seed); fp32 sends 4000 bytes a round, QSGD 500.
 */
function writeResults(seed: number): string {
  const dir = join(root, `seed-${seed}`);
  const write = (folder: string, compressor: { name: string; options: Record<string, unknown> }, bytes: number) => {
    mkdirSync(folder, { recursive: true });
    const experiment = { name: 'study', seed, training: { rounds: 3, learningRate: 0.005 }, compressor, compare: [] };
    writeFileSync(join(folder, 'experiment.json'), JSON.stringify(experiment));
    const rows = [0, 1, 2].map((round) => ({
      round,
      participants: 4,
      uploaded: 4,
      skipped: 0,
      lost: 0,
      rejected: 0,
      uplinkBytes: bytes,
      downlinkBytes: 16_000,
      trainLoss: 1,
      testAccuracy: 0.6 + 0.1 * round + (seed === 2 ? 0.02 : 0),
      testLoss: 1,
      wallMs: 1000,
    }));
    writeFileSync(join(folder, 'ledger.jsonl'), rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  };
  write(dir, { name: 'none', options: {} }, 4000);
  write(join(dir, 'compare', 'qsgd'), { name: 'qsgd', options: { levels: 4 } }, 500);
  return dir;
}

const seedFolders = [writeResults(1), writeResults(2)];

describe('fedtune compare', () => {
  it('prints the summary table, a row per configuration with mean ± std over seeds', async () => {
    const { code, stdout, stderr } = await fedtune(['compare', ...seedFolders, '--target', '75%']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /│ run\s+│ seeds │ rounds │ params │\s+final acc │\s+best acc │\s+test loss │\s+train loss │\s+uplink MB │\s+uplink kB\/upload │\s+downlink MB │\s+bits to 75% │\s+wall s │/,
    );
    // Final accuracy 0.80 and 0.82: mean 81%, std 0.02 / √2 = 1.41 points. Both seeds first reach
    // 75% in the third round (0.72 before it): 3 × 4000 bytes = 96 kbit, 3 × 500 bytes = 12 kbit.
    // Each round's 4000 bytes are 4 uploads of 1 kB.
    expect(stdout).toMatch(
      /│ compressor=none\s+│ 1, 2\s+│\s+3 │\s+– │ 81\.00% ± 1\.41% │ 81\.00% ± 1\.41% │.*│ 0\.012 ± 0\.000 │\s+1\.00 ± 0\.00 │ 0\.048 ± 0\.000 │ 96 kbit ± 0 bit │ 3\.0 ± 0\.0 │/,
    );
    expect(stdout).toMatch(/│ compressor=qsgd\(levels=4\)\s+│ 1, 2\s+│\s+3 │\s+– │ 81\.00% ± 1\.41% │/);
    expect(stdout).toContain('12 kbit ± 0 bit');
  });

  it('prints CSV, Markdown and JSON', async () => {
    const csv = await fedtune(['compare', ...seedFolders, '--format', 'csv']);
    expect(csv.stdout.split('\n')[2]).toMatch(/^compressor=qsgd\(levels=4\),1 2,3,3,0\.81,0\.0141421356237309\d*,/);
    const markdown = await fedtune(['compare', ...seedFolders, '--format', 'markdown']);
    expect(markdown.stdout).toMatch(
      /^\| run \| seeds \| rounds \| params \| final acc \|.*\n\| --- \| --- \| ---: \| ---: \| ---: \|/,
    );
    expect(markdown.stdout).toContain(
      '\n**Uploads per run**\n\n| run | uploads sent | skipped | lost | rejected | bits per value |\n',
    );
    const json = await fedtune(['compare', ...seedFolders, '--format', 'json', '--target', '0.75']);
    const parsed = JSON.parse(json.stdout) as {
      runs: { label: string; bitsToTarget: { bits: { mean: number } } }[];
      skipped: string[];
    };
    expect(parsed.runs.map((run) => [run.label, run.bitsToTarget.bits.mean])).toEqual([
      ['compressor=none', 96_000],
      ['compressor=qsgd(levels=4)', 12_000],
    ]);
    expect(parsed.skipped).toEqual([]);
  });

  it('compares with a baseline seed by seed and averages the last evaluations', async () => {
    const { code, stdout } = await fedtune([
      'compare',
      ...seedFolders,
      '--baseline',
      'compressor=none',
      '--last',
      '2',
      '--format',
      'markdown',
    ]);
    expect(code).toBe(0);
    const [header = '', , , qsgd = ''] = stdout.split('\n');
    expect(header).toContain(
      '| final acc | last 2 acc | final vs compressor=none (pts) | last 2 vs compressor=none (pts) |',
    );
    // Last two evaluations 0.7, 0.8 (+0.02 for seed 2): 75% and 77%. Both compressors reach the same
    // accuracy on each seed, so every paired difference is 0.
    expect(qsgd).toContain('| 81.00% ± 1.41% | 76.00% ± 1.41% | 0.00 ± 0.00 | 0.00 ± 0.00 |');
  });

  it('refuses a baseline or an adapter metric the runs do not have (exit 2)', async () => {
    const baseline = await fedtune(['compare', ...seedFolders, '--baseline', 'fp32']);
    expect(baseline.code).toBe(ExitCode.badInput);
    expect(baseline.stderr).toContain(
      'error: no runs are labelled "fp32" to compare with; the baseline must be one of the labels',
    );
    const metric = await fedtune([
      'report',
      ...seedFolders,
      '--metrics',
      'effectiveRank',
      '--out',
      join(root, 'x.html'),
    ]);
    expect(metric.code).toBe(ExitCode.badInput);
    expect(metric.stderr).toContain('no run reports the adapter metric "effectiveRank"; these runs report none');
  });

  it('names each folder it skips on stderr, and fails as bad input when none can be read', async () => {
    const partly = await fedtune(['compare', seedFolders[0] ?? '', join(root, 'missing')]);
    expect(partly.code).toBe(0);
    expect(partly.stderr).toBe(`skipped ${join(root, 'missing')}: cannot be read (ENOENT)\n`);
    const none = await fedtune(['compare', join(root, 'missing')]);
    expect(none.code).toBe(ExitCode.badInput);
    expect(none.stderr).toContain(`error: no readable results in ${join(root, 'missing')}`);
  });

  it('prints only the tables or the columns asked for, refusing a title or table the runs lack (exit 2)', async () => {
    const columns = await fedtune(['compare', ...seedFolders, '--columns', 'uplink MB, final acc', '--format', 'markdown']);
    expect(columns.code).toBe(0);
    const [header = '', , ...rows] = columns.stdout.trimEnd().split('\n');
    expect(header).toBe('| run | uplink MB | final acc |');
    expect(rows).toHaveLength(2);
    const tables = await fedtune(['compare', ...seedFolders, '--tables', 'uploads', '--format', 'markdown']);
    expect(tables.stdout).toMatch(/^\*\*Uploads per run\*\*\n\n\| run \| uploads sent \|/);
    expect(tables.stdout).not.toContain('final acc');
    const unknown = await fedtune(['compare', ...seedFolders, '--columns', 'accuracy']);
    expect(unknown.code).toBe(ExitCode.badInput);
    expect(unknown.stderr).toContain('no table has a column "accuracy"; these runs\' tables have "seeds"');
    const csv = await fedtune(['compare', ...seedFolders, '--tables', 'summary', '--format', 'csv']);
    expect(csv.code).toBe(ExitCode.badInput);
    expect(csv.stderr).toContain('--tables picks from the printed tables; use it with --format table or markdown');
  });

  it('refuses a target that is not an accuracy and an unknown format (exit 2)', async () => {
    const target = await fedtune(['compare', ...seedFolders, '--target', '80']);
    expect(target.code).toBe(ExitCode.badInput);
    expect(target.stderr).toContain('expected an accuracy such as 0.8 or 80%, got "80"');
    const format = await fedtune(['compare', ...seedFolders, '--format', 'xml']);
    expect(format.code).toBe(ExitCode.badInput);
    expect(format.stderr).toContain('Allowed choices are table, csv, markdown, json');
  });
});

describe('fedtune report', () => {
  it('writes the HTML report and, with --svg, one SVG file per chart', async () => {
    const out = join(root, 'out', 'report.html');
    const svg = join(root, 'out', 'figures');
    const { code, stdout, stderr } = await fedtune([
      'report',
      ...seedFolders,
      '--out',
      out,
      '--svg',
      svg,
      '--target',
      '0.75',
      '--title',
      'QSGD study',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // The ledgers hold losses and a downlink as well, each drawn by round.
    expect(stdout).toBe(`report: ${out} (4 runs)\ncharts: 7 SVG files in ${svg}\n`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>QSGD study</title>');
    expect(html.match(/<svg /g)).toHaveLength(7);
    expect(readdirSync(svg).sort()).toEqual([
      'accuracy-by-round.svg',
      'accuracy-by-uplink.svg',
      'downlink-per-round.svg',
      'participation.svg',
      'test-loss-by-round.svg',
      'train-loss-by-round.svg',
      'uplink-per-round.svg',
    ]);
  });

  it('with --csv, writes every run and round as CSV; with --log-y, draws uplink on a log axis', async () => {
    const out = join(root, 'csv', 'report.html');
    const csv = join(root, 'csv', 'rounds.csv');
    const svg = join(root, 'csv', 'figures');
    const argv = ['report', ...seedFolders, '--out', out, '--csv', csv, '--svg', svg, '--log-y'];
    const { code, stdout, stderr } = await fedtune(argv);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(`report: ${out} (4 runs)\ncharts: 7 SVG files in ${svg}\nrounds: ${csv} (12 rows)\n`);
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(
      'run,seed,round,participants,uploaded,skipped,lost,rejected,uplinkBytes,downlinkBytes,trainLoss,testAccuracy,testLoss,wallMs',
    );
    expect(lines).toHaveLength(1 + 12);
    expect(lines[1]).toBe('compressor=none,1,0,4,4,0,0,0,4000,16000,1,0.6,1,1000');
    expect(lines[12]).toMatch(/^compressor=qsgd\(levels=4\),2,2,4,4,0,0,0,500,/);
    expect(readFileSync(join(svg, 'uplink-per-round.svg'), 'utf8')).toContain('uplink bits in the round (log scale)');
    expect(readFileSync(join(svg, 'accuracy-by-round.svg'), 'utf8')).not.toContain('(log scale)');
  });

  it('refuses a --csv that cannot be written, before writing the report (exit 2)', async () => {
    const file = join(root, 'csv-blocker');
    writeFileSync(file, 'kept');
    const out = join(root, 'csv-refused', 'report.html');
    const { code, stderr } = await fedtune(['report', ...seedFolders, '--out', out, '--csv', join(file, 'rounds.csv')]);
    expect(code).toBe(ExitCode.badInput);
    expect(stderr).toContain(`error: --csv ${join(file, 'rounds.csv')} lies under ${file}, which is a file`);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an --out or --svg that cannot be written, before writing either (exit 2)', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'kept');
    const folder = join(root, 'a-folder');
    mkdirSync(folder);
    const underFile = await fedtune(['report', ...seedFolders, '--out', join(file, 'report.html')]);
    expect(underFile.code).toBe(ExitCode.badInput);
    expect(underFile.stderr).toBe(
      `error: --out ${join(file, 'report.html')} lies under ${file}, which is a file, not a folder; choose another --out\n`,
    );
    const isFolder = await fedtune(['report', ...seedFolders, '--out', folder]);
    expect(isFolder.code).toBe(ExitCode.badInput);
    expect(isFolder.stderr).toBe(`error: --out ${folder} is a folder; name the file to write, in it or elsewhere\n`);
    const out = join(root, 'with-bad-svg.html');
    const svgUnderFile = await fedtune(['report', ...seedFolders, '--out', out, '--svg', join(file, 'figures')]);
    expect(svgUnderFile.code).toBe(ExitCode.badInput);
    expect(svgUnderFile.stderr).toBe(
      `error: --svg ${join(file, 'figures')} lies under ${file}, which is a file, not a folder; choose another --svg\n`,
    );
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('kept');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('writes nothing and fails as bad input when no folder holds results', async () => {
    const out = join(root, 'never.html');
    const { code } = await fedtune(['report', join(root, 'missing'), '--out', out]);
    expect(code).toBe(ExitCode.badInput);
    expect(existsSync(out)).toBe(false);
  });
});
