import type { LedgerRow } from '@fedtune/core';
import { ledgerRowSchema } from './schemas.js';
import { firstIssue } from './zodIssue.js';

/** The rows of a ledger, or why it cannot be trusted. */
export type ParsedLedger = { ok: true; rows: LedgerRow[]; warnings: string[] } | { ok: false; reason: string };

type ParsedLine = { ok: true; row: LedgerRow } | { ok: false; reason: string };

/**
 * Parses `ledger.jsonl`. The engine appends one whole line per finished round, so only the last
 * line can be half-written (the run stopped mid-write): it is dropped with a warning. A bad line
 * before it, or rounds out of order, means the file itself is damaged.
 */
export function parseLedger(text: string): ParsedLedger {
  const lines = text.split('\n');
  let lastLine = lines.length - 1;
  while (lastLine > 0 && lines[lastLine]?.trim() === '') lastLine--;
  const rows: LedgerRow[] = [];
  const warnings: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    const where = `ledger.jsonl line ${index + 1}`;
    if (!parsed.ok) {
      if (index !== lastLine) return { ok: false, reason: `${where} ${parsed.reason}` };
      warnings.push(`ignored ${where}, cut off while being written (${parsed.reason})`);
      continue;
    }
    const previous = rows.at(-1);
    if (previous !== undefined && parsed.row.round <= previous.round) {
      return { ok: false, reason: `${where} repeats or goes back to round ${parsed.row.round}` };
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
