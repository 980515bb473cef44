/**
 * The deepest nesting of arrays and objects read from a results folder: far beyond what fedtune
 * writes, far below what overflows the stack of the code that walks the values.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LINE_FEED = 0x0a;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);

/**
 * The 1-based line of `text` where arrays and objects nest deeper than `maxDepth`, or `undefined`
 * when they never do. It looks at the text before it is parsed, so a hostile file costs one pass.
 */
export function lineNestedTooDeep(text: string, maxDepth = MAX_JSON_DEPTH): number | undefined {
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (OPENERS.has(code)) {
      if (++depth > maxDepth) return line;
    } else if (CLOSERS.has(code)) {
      depth--;
    } else if (code === LINE_FEED) {
      line++;
    }
  }
  return undefined;
}

/** Why `text` (a file called `name`, or a line of it) is refused for its nesting, or `undefined`. */
export function nestingProblem(name: string, text: string, firstLine = 1): string | undefined {
  const line = lineNestedTooDeep(text);
  if (line === undefined) return undefined;
  return (
    `${name} line ${firstLine + line - 1} nests arrays or objects more than ${MAX_JSON_DEPTH} deep, ` +
    'which fedtune never writes: the file is damaged or was not written by fedtune'
  );
}
