import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('./runner.mjs', import.meta.url));
const cliFolder = fileURLToPath(new URL('../..', import.meta.url));

/** The heap the fuzz loop gets: hostile input must be refused within it, never exhaust it. */
export const FUZZ_HEAP_MB = 512;

/** The kinds of hostile input `runner.mjs` fuzzes. */
export type FuzzKind = 'experiment' | 'ledger' | 'resume';

/** How a fuzz run ended, as the runner's last line reports it. */
export interface FuzzSummary {
  kind: FuzzKind;
  seed: number;
  numRuns: number;
  /** Cases run, shrinking included. */
  ran: number;
  /** Outcomes of the cases before the first failure. */
  counts: { accepted: number; refused: number; skipped: number };
  interrupted: boolean;
  failure?: { counterexample: string; problem: string; shrinks: number };
}

/** How the runner process ended, and its summary when it printed one. */
export interface FuzzChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  summary: FuzzSummary | undefined;
  /** The end of its stderr: where an out-of-memory crash or an unhandled error shows. */
  stderrTail: string;
}

/** How much of the runner's stderr is kept for the test's message. */
const STDERR_TAIL = 4_000;

/**
 * Runs `runner.mjs` for `kind` in a node process with a {@link FUZZ_HEAP_MB} MB heap, in a
 * temporary folder deleted afterwards, and waits for it to end.
 */
export async function runFuzzChild(kind: FuzzKind, options: { seed: number; numRuns: number; shrinkBudget: number }) {
  const workDir = mkdtempSync(join(tmpdir(), `fedtune-fuzz-${kind}-`));
  try {
    const args = [`--max-old-space-size=${FUZZ_HEAP_MB}`, runner, kind, workDir, String(options.seed), String(options.numRuns), String(options.shrinkBudget)];
    const child = spawn(process.execPath, args, { cwd: cliFolder, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)));
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    });
    const summaryLine = stdout.split('\n').find((line) => line.startsWith('fuzz-summary '));
    const summary = summaryLine === undefined ? undefined : (JSON.parse(summaryLine.slice('fuzz-summary '.length)) as FuzzSummary);
    return { code, signal, summary, stderrTail: stderr } satisfies FuzzChildResult;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** A failed property as the test prints it: the seed that replays it, the problem, the shrunk counterexample. */
export function describeFailure(summary: FuzzSummary): string {
  const { failure } = summary;
  if (failure === undefined) return `fuzz ${summary.kind}: no failure`;
  return [
    `fuzz ${summary.kind} failed (seed ${summary.seed}, ${failure.shrinks} shrinks):`,
    failure.problem,
    `counterexample: ${failure.counterexample}`,
  ].join('\n');
}
