/**
 * The deepest nesting of lists and objects fedtune reads back from what it wrote (ledgers, summaries,
 * checkpoint metadata): far beyond what fedtune writes, far below what overflows the stack of the
 * code that walks or serialises the values.
 */
export const MAX_STORED_JSON_NESTING = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LINE_FEED = 0x0a;
const OPENERS: ReadonlySet<number> = new Set([0x5b, 0x7b]);
const CLOSERS: ReadonlySet<number> = new Set([0x5d, 0x7d]);

/**
 * The 1-based line of the JSON `text` where lists and objects nest deeper than `maxDepth`, or
 * `undefined` when they never do. It reads the text before it is parsed, in one pass and without
 * recursion, so a hostile value costs no stack.
 */
export function lineNestedTooDeep(text: string, maxDepth = MAX_STORED_JSON_NESTING): number | undefined {
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
