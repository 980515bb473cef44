import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RoundEvent, RunSummary } from '@fedtune/core';
import { afterAll, describe, expect, it } from 'vitest';
import { compareCommand, type CompareCommandOptions } from '../src/actions/compare.js';
import { createRunProgress } from '../src/runProgress.js';
import { renderSummaryTable } from '../src/summaryTable.js';
import { terminalText } from '../src/terminalText.js';
import { runCli } from './capture.js';
import { ledgerRow, ledgerText } from './ledgerRows.js';
import { CapturedStream, CONTROL } from './capturedStream.js';

const root = mkdtempSync(join(tmpdir(), 'fedtune-cli-terminal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Clears the screen, retitles the window (OSC … BEL) and starts a C1 command: what a hostile label tries. */
const HOSTILE = 'evil\u001b[2J\u001b]0;owned\u0007\u009b31m\r';
const SHOWN = 'evil\\u001b[2J\\u001b]0;owned\\u0007\\u009b31m\\u000d';

describe('terminalText', () => {
  it('writes out every C0 and C1 control character and DEL as an escape, and leaves other text alone', () => {
    expect(terminalText(HOSTILE)).toBe(SHOWN);
    expect(terminalText('a\tb\nc\u007f')).toBe('a\\u0009b\\u000ac\\u007f');
    expect(terminalText('LoRA r=4 · Ünïcode ✓ \u00a0')).toBe('LoRA r=4 · Ünïcode ✓ \u00a0');
  });

  it('keeps line feeds in texts of several lines when asked', () => {
    expect(terminalText(`one\n${HOSTILE}\n`, { keepLineFeeds: true })).toBe(`one\n${SHOWN}\n`);
  });
});

describe('run progress', () => {
  const event = { label: HOSTILE, round: 0, rounds: 2, testAccuracy: 0.5, trainLoss: 1 } as RoundEvent;

  it('prints labels and engine messages with their control characters escaped, line by line', () => {
    const stdout = new CapturedStream();
    const progress = createRunProgress({ stdout, stderr: new CapturedStream() }, [HOSTILE], { env: {}, now: () => 0 });
    progress.start(HOSTILE, 2);
    progress.round(event);
    progress.log(`client 3 of ${HOSTILE} was rejected`);
    progress.stop();
    expect(stdout.text).toBe(
      `[${SHOWN}] started: 2 rounds\n[${SHOWN}] round 1/2  acc 50.00%  loss 1.0000  ETA 0s\n` +
        `client 3 of ${SHOWN} was rejected\n[${SHOWN}] stopped at round 1/2 after 0s\n`,
    );
  });

  it('shows the escaped label in the bars on a terminal', () => {
    const stdout = new CapturedStream(true);
    const progress = createRunProgress({ stdout, stderr: new CapturedStream() }, [HOSTILE], { env: {} });
    progress.start(HOSTILE, 2);
    progress.round(event);
    progress.log(HOSTILE);
    progress.stop();
    expect(stdout.text).toContain(SHOWN);
    // The bars move the cursor themselves; what the label held must not be among what they write.
    expect(stdout.text).not.toContain('\u001b]0;owned');
    expect(stdout.text).not.toContain('\u009b');
  });
});

describe('summary table', () => {
  it("prints the run's label escaped", () => {
    const summary = {
      label: HOSTILE,
      finalAccuracy: 0.5,
      bestAccuracy: 0.5,
      totalUplinkBytes: 1,
      totalDownlinkBytes: 1,
      rounds: 2,
      wallMs: 1,
      trainableParameters: 10,
    } as RunSummary;
    const table = renderSummaryTable([summary]);
    expect(table).toContain(SHOWN);
    expect(table).not.toMatch(CONTROL);
  });
});

describe('fedtune compare', () => {
  /** A results folder whose experiment label, metric name and comparison folder hold control characters. */
  function hostileResults(): string {
    const dir = mkdtempSync(join(root, 'results-'));
    const write = (folder: string, label: string) => {
      mkdirSync(folder, { recursive: true });
      const experiment = { name: `study${HOSTILE}`, label, seed: 1, training: { rounds: 2 } };
      writeFileSync(join(folder, 'experiment.json'), JSON.stringify(experiment));
      const rows = [0, 1].map((round) => ledgerRow(round, { metrics: { [`rank${HOSTILE}`]: 2 } }));
      writeFileSync(join(folder, 'ledger.jsonl'), ledgerText(rows));
    };
    write(dir, HOSTILE);
    write(join(dir, 'compare', `other${HOSTILE}`), `other${HOSTILE}`);
    // A damaged comparison, so a skipped folder's name is printed too.
    mkdirSync(join(dir, 'compare', `broken${HOSTILE}`));
    writeFileSync(join(dir, 'compare', `broken${HOSTILE}`, 'experiment.json'), '{');
    return dir;
  }

  async function compare(format: CompareCommandOptions['format']) {
    const stdout = new CapturedStream();
    const stderr = new CapturedStream();
    await compareCommand([hostileResults()], { format, labels: 'experiment' }, { stdout, stderr });
    return { stdout: stdout.text, stderr: stderr.text };
  }

  it.each(['table', 'csv', 'markdown'] as const)('prints %s output with labels, metric names and folder names escaped', async (format) => {
    const { stdout, stderr } = await compare(format);
    expect(stdout).toContain(SHOWN);
    expect(stdout).not.toMatch(CONTROL);
    expect(stderr).toContain(`broken${SHOWN}`);
    expect(stderr).not.toMatch(CONTROL);
  });

  it('prints JSON with every control character escaped, which still reads back as the labels', async () => {
    const { stdout } = await compare('json');
    expect(stdout).not.toMatch(CONTROL);
    const parsed = JSON.parse(stdout) as { runs: { label: string }[] };
    expect(parsed.runs.map((run) => run.label)).toContain(HOSTILE);
  });

  it('prints an error message that quotes a folder name escaped', async () => {
    const { code, stderr } = await runCli(['compare', join(root, `missing${HOSTILE}`)]);
    expect(code).toBe(2);
    expect(stderr).toContain(`missing${SHOWN}`);
    expect(stderr).not.toMatch(CONTROL);
  });
});
