import type { SummaryTable } from './summaryTable.js';

/** A summary table as a GitHub-flavoured Markdown table, with numbers right-aligned. */
export function summaryMarkdown(table: SummaryTable): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = table.align.map((align) => (align === 'right' ? '---:' : '---'));
  return [line(table.header), `| ${rule.join(' | ')} |`, ...table.rows.map(line)].join('\n') + '\n';
}
