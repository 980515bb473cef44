import type { LedgerRow } from '@fedtune/core';
import { RUN_FILES } from './fileNames.js';
import { nestingProblem } from './jsonDepth.js';
import { ledgerRowSchema } from './schemas.js';
import { firstIssue } from './zodIssue.js';

/** The rows of a ledger, or why it cannot be trusted. */
export type ParsedLedger = { ok: true; rows: LedgerRow[]; warnings: string[] } | { ok: false; reason: string };

type ParsedLine = { ok: true; row: LedgerRow } | { ok: false; reason: string };

/**
 * Parses `ledger.jsonl`. The engine appends one whole line per finished round, numbered from 0,
 * so only the last line can be half-written (the run stopped mid-write): it is dropped with a
 * warning. A bad line before it, a round out of that count or values nested past any fedtune
 * writes mean the file itself is damaged.
 */
export function parseLedger(text: string): ParsedLedger {
  const lines = text.split('\n');
  let lastLine = lines.length - 1;
  while (lastLine > 0 && lines[lastLine]?.trim() === '') lastLine--;
  const rows: LedgerRow[] = [];
  const warnings: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const where = `${RUN_FILES.ledger} line ${index + 1}`;
    const nesting = nestingProblem(RUN_FILES.ledger, line, index + 1);
    if (nesting !== undefined) return { ok: false, reason: nesting };
    const parsed = parseLine(line);
    if (!parsed.ok) {
      if (index !== lastLine) return { ok: false, reason: `${where} ${parsed.reason}` };
      warnings.push(`ignored ${where}, cut off while being written (${parsed.reason})`);
      continue;
    }
    const { round } = parsed.row;
    if (round < rows.length) return { ok: false, reason: `${where} repeats or goes back to round ${round}` };
    if (round > rows.length) {
      return {
        ok: false,
        reason: `${where} jumps to round ${round} where round ${rows.length} comes next (one line per round, from 0)`,
      };
    }
    rows.push(parsed.row);
  }
  return { ok: true, rows, warnings };
}

function parseLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'is not valid JSON' };
  }
  const row = ledgerRowSchema.safeParse(value);
  return row.success
    ? { ok: true, row: row.data }
    : { ok: false, reason: `is not a ledger row (${firstIssue(row.error)})` };
}
