/** Where a marked table opens: `<!-- fedtune:table COMMAND -->`, the command that prints its content. */
const OPEN = /<!-- fedtune:table (.+?) -->/g;
/** Where every marked table closes. */
const CLOSE = '<!-- /fedtune:table -->';

/** One marked section of a document: the command that regenerates it, and where its content lies. */
export interface MarkedTable {
  /** The text after `fedtune:table` in the opening marker, such as `fedtune compare results/x --format markdown`. */
  command: string;
  /** Offsets of the content between the markers (the markers excluded). */
  start: number;
  end: number;
}

/**
 * The marked sections of a Markdown document: each opens with `<!-- fedtune:table COMMAND -->`
 * and closes at the next `<!-- /fedtune:table -->`, in document order.
 * @throws SyntaxError for a marker left open, or opened again before it closes, naming its line.
 */
export function markedTables(document: string): MarkedTable[] {
  const tables: MarkedTable[] = [];
  for (const open of document.matchAll(OPEN)) {
    const line = lineOf(document, open.index);
    const start = open.index + open[0].length;
    const end = document.indexOf(CLOSE, start);
    if (end < 0) throw new SyntaxError(`line ${line}: "${open[0]}" is never closed; add ${CLOSE} after its table.`);
    const reopened = document.slice(start, end).search(OPEN);
    // A section opened inside another is caught here, before the loop reaches its marker.
    if (reopened >= 0) {
      const inner = lineOf(document, start + reopened);
      throw new SyntaxError(
        `line ${inner}: a marked table opens inside the one opened on line ${line}; close that one with ${CLOSE} first.`,
      );
    }
    tables.push({ command: (open[1] as string).trim(), start, end });
  }
  return tables;
}

/**
 * The document with the content of each marked section replaced by what `contentOf` gives for
 * its command, set on lines of its own between the markers; a section for which it gives
 * undefined is left as it is. Everything outside the markers is kept byte for byte, and
 * replacing with the same content again changes nothing.
 */
export function replaceMarkedTables(document: string, contentOf: (command: string) => string | undefined): string {
  let result = '';
  let kept = 0;
  for (const { command, start, end } of markedTables(document)) {
    const content = contentOf(command);
    if (content === undefined) continue;
    result += `${document.slice(kept, start)}\n${content.trim()}\n`;
    kept = end;
  }
  return result + document.slice(kept);
}

function lineOf(document: string, offset: number): number {
  return document.slice(0, offset).split('\n').length;
}
