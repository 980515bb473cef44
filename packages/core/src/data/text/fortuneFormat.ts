/**
 * The text format of fortune(6) collections: entries separated by lines that hold only `%`.
 * `strfile` builds the `.dat` index from the same separators; the text file alone is enough here.
 */

/** A separator line: `%` alone, tolerating trailing blanks that some collections carry. */
const SEPARATOR = /^%[ \t]*$/;

/**
 * The entries of one collection's text, in file order. Lines ending in CRLF or CR are read as LF,
 * a leading byte-order mark is dropped, trailing blanks of each line and blank lines around an
 * entry are removed (so the same fortune compares equal however it was typed), and empty entries
 * (a trailing `%`, two separators in a row) are skipped. Indentation inside an entry is kept: it
 * often sets off the attribution.
 */
export function parseFortunes(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const entries: string[] = [];
  let current: string[] = [];
  const finish = (): void => {
    const entry = current
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/^\n+|\n+$/g, '');
    if (entry !== '') entries.push(entry);
    current = [];
  };
  for (const line of lines) {
    if (SEPARATOR.test(line)) finish();
    else current.push(line);
  }
  finish();
  return entries;
}
