import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '@fedtune/core';
import { readTextFileWithin } from '@fedtune/core/files';
import { RUN_FILES } from './fileNames.js';
import { nestingProblem } from './jsonDepth.js';
import { parseLedger } from './parseLedger.js';
import { resolvedExperimentSchema, runSummarySchema } from './schemas.js';
import type { ReadRunResult, ResolvedExperiment } from './types.js';
import { firstIssue } from './zodIssue.js';

type FileRead = { ok: true; text: string } | { ok: false; missing: boolean; reason: string };
type JsonRead<T> = { ok: true; value: T } | { ok: false; reason: string };
type RunFileName = (typeof RUN_FILES)[Exclude<keyof typeof RUN_FILES, 'compare'>];

/**
 * The largest size of each file read, far above what a run of the most rounds an experiment
 * allows writes, so a file that is not a run's (a device, a huge copy) is refused before it is read.
 */
const MAX_FILE_BYTES: Record<RunFileName, number> = {
  [RUN_FILES.experiment]: 16 * 2 ** 20,
  [RUN_FILES.summary]: 16 * 2 ** 20,
  [RUN_FILES.ledger]: 256 * 2 ** 20,
};

/** A results-folder file refused for its kind or size, told apart from what the file system reports. */
class RefusedFile extends Error {}

/**
 * Reads one results folder without throwing. A folder that is missing, half-written (no
 * experiment or no finished round) or corrupt comes back as skipped, with the reason; a run cut
 * short comes back with the rounds it finished and a warning saying so.
 */
export function readRun(dir: string): ReadRunResult {
  const skip = (reason: string): ReadRunResult => ({ ok: false, skipped: { dir, reason } });
  const folder = folderProblem(dir);
  if (folder !== undefined) return skip(folder);

  const experiment = readJson(dir, RUN_FILES.experiment, (value) => {
    const parsed = resolvedExperimentSchema.safeParse(value);
    return parsed.success
      ? { ok: true, value: parsed.data as ResolvedExperiment }
      : { ok: false, reason: `${RUN_FILES.experiment} is not a resolved experiment (${firstIssue(parsed.error)})` };
  });
  if (!experiment.ok) return skip(experiment.reason);

  const ledgerFile = readText(dir, RUN_FILES.ledger);
  if (!ledgerFile.ok) return skip(ledgerFile.reason);
  const ledger = parseLedger(ledgerFile.text);
  if (!ledger.ok) return skip(ledger.reason);
  if (ledger.rows.length === 0) return skip(`${RUN_FILES.ledger} holds no finished round yet`);

  const plannedRounds = experiment.value.training.rounds;
  if (ledger.rows.length > plannedRounds) {
    return skip(
      `${RUN_FILES.ledger} holds ${ledger.rows.length} rounds, more than the ${plannedRounds} ${RUN_FILES.experiment} ` +
        "plans: the folder's files come from different runs",
    );
  }
  const warnings = [...ledger.warnings];
  const summary = readSummary(dir);
  if (!summary.ok) warnings.push(`${summary.reason}; using the ledger alone`);
  if (ledger.rows.length < plannedRounds) {
    warnings.push(`cut short: finished ${ledger.rows.length} of ${plannedRounds} rounds`);
  }
  return {
    ok: true,
    run: {
      dir,
      experiment: experiment.value,
      ledger: ledger.rows,
      summary: summary.ok ? summary.value : null,
      plannedRounds,
      warnings,
    },
  };
}

function folderProblem(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : 'is not a folder';
  } catch (error) {
    return `cannot be read (${errorCode(error)})`;
  }
}

/** A missing summary is normal for a run cut short, so only an unreadable one is reported. */
function readSummary(dir: string): JsonRead<RunSummary | null> {
  const text = readText(dir, RUN_FILES.summary);
  if (!text.ok) return text.missing ? { ok: true, value: null } : text;
  return parseJson(RUN_FILES.summary, text.text, (value) => {
    const parsed = runSummarySchema.safeParse(value);
    return parsed.success
      ? { ok: true, value: parsed.data }
      : { ok: false, reason: `${RUN_FILES.summary} is not a run summary (${firstIssue(parsed.error)})` };
  });
}

function readJson<T>(dir: string, name: RunFileName, validate: (value: unknown) => JsonRead<T>): JsonRead<T> {
  const text = readText(dir, name);
  return text.ok ? parseJson(name, text.text, validate) : text;
}

function parseJson<T>(name: string, text: string, validate: (value: unknown) => JsonRead<T>): JsonRead<T> {
  const nesting = nestingProblem(name, text);
  if (nesting !== undefined) return { ok: false, reason: nesting };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${name} is not valid JSON (cut off or damaged)` };
  }
  return validate(value);
}

function readText(dir: string, name: RunFileName): FileRead {
  try {
    const text = readTextFileWithin(join(dir, name), {
      what: name,
      maxBytes: MAX_FILE_BYTES[name],
      error: RefusedFile,
      fix: `a results folder holds the ${name} its run wrote: restore that file, or leave the folder out`,
    });
    return { ok: true, text };
  } catch (error) {
    // Reasons are clauses that callers extend, so the sentence's full stop goes.
    if (error instanceof RefusedFile) return { ok: false, missing: false, reason: error.message.replace(/\.$/, '') };
    const code = errorCode(error);
    const missing = code === 'ENOENT';
    return { ok: false, missing, reason: missing ? `no ${name}` : `${name} cannot be read (${code})` };
  }
}

function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}
