import { ReportOptionError } from '../reportOptionError.js';
import type { SummarySection } from './summarySections.js';
import type { SummaryTable } from './summaryTable.js';

/**
 * One table of the `run` column and the columns titled `titles`, in that order, taken from
 * whichever of the summary's tables has each (they share their rows: one per group, in order), for
 * a README table of just the figures it discusses.
 * @throws ReportOptionError for a title no table has, listing the titles there are.
 */
export function pickColumns(sections: readonly SummarySection[], titles: readonly string[]): SummaryTable {
  const [first] = sections;
  if (first === undefined) throw new RangeError('expected the summary tables of at least one group');
  const columns = titles.map((title) => {
    const section = sections.find(({ table }) => table.header.includes(title));
    if (section === undefined) {
      const available = [...new Set(sections.flatMap(({ table }) => table.header.slice(1)))];
      throw new ReportOptionError(
        `no table has a column "${title}"; these runs' tables have ${available.map((name) => `"${name}"`).join(', ')}`,
      );
    }
    const index = section.table.header.indexOf(title);
    return { table: section.table, index };
  });
  const picked = [{ table: first.table, index: 0 }, ...columns];
  return {
    header: picked.map(({ table, index }) => table.header[index] as string),
    align: picked.map(({ table, index }) => table.align[index] as 'left' | 'right'),
    rows: first.table.rows.map((_, row) => picked.map(({ table, index }) => table.rows[row]?.[index] ?? '')),
  };
}

/**
 * The summary's tables named by `ids` (`summary`, `tasks`, `uploads`, …), in the order given.
 * @throws ReportOptionError for an id none of these runs' tables has, listing the ones there are.
 */
export function pickSections(sections: readonly SummarySection[], ids: readonly string[]): SummarySection[] {
  return ids.map((id) => {
    const section = sections.find((candidate) => candidate.id === id);
    if (section === undefined) {
      throw new ReportOptionError(
        `these runs have no "${id}" table; they have ${sections
          .map((candidate) => candidate.id)
          .join(', ')} (a table no run has a value for is left out)`,
      );
    }
    return section;
  });
}
