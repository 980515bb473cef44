import { formatFieldPath } from './fieldPath.js';

/**
 * What is wrong: `syntax`, text `JSON.parse` refuses; `duplicate-key`, a key given twice in one
 * object, of which `JSON.parse` silently keeps the last; `number-out-of-range`, a number beyond
 * ±1.8e308, which `JSON.parse` reads as Infinity (and `JSON.stringify` writes back as null).
 */
export type JsonProblemKind = 'syntax' | 'duplicate-key' | 'number-out-of-range';

/** The first problem of a JSON text: where it is and what is wrong, in words a user can act on. */
export interface JsonSyntaxProblem {
  kind: JsonProblemKind;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  problem: string;
  /**
   * The offending line with a caret under the column; a long line is cut to
   * {@link EXCERPT_WIDTH} characters around the column, so a one-line file of megabytes is never echoed.
   */
  excerpt: string;
}

/** Most characters of the offending line an excerpt shows. */
const EXCERPT_WIDTH = 120;

/** Longest literal (a word, a number) quoted whole in a message. */
const MAX_QUOTED = 40;

class SyntaxFault {
  constructor(
    readonly offset: number,
    readonly problem: string,
    readonly kind: JsonProblemKind = 'syntax',
  ) {}
}

/**
 * Finds the first problem of `text` read as JSON, or `undefined` when there is none: a syntax
 * error (`JSON.parse` reports no position for some, such as an unexpected token), a key given twice
 * in one object, or a number out of range. Every problem gets a line and column.
 */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  try {
    new JsonScanner(text).document();
    return undefined;
  } catch (fault) {
    if (!(fault instanceof SyntaxFault)) throw fault;
    return { kind: fault.kind, ...position(text, fault.offset), problem: fault.problem };
  }
}

function position(text: string, offset: number): { line: number; column: number; excerpt: string } {
  const line = lineNumber(text, offset);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return { line, column: offset - lineStart + 1, excerpt: excerpt(text, offset, line, lineStart) };
}

function lineNumber(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

/** The line holding `offset`, cut to a window around it when long, and a caret under `offset`. */
function excerpt(text: string, offset: number, line: number, lineStart: number): string {
  const newline = text.indexOf('\n', offset);
  const lineEnd = newline === -1 ? text.length : text[newline - 1] === '\r' ? newline - 1 : newline;
  const start = Math.max(lineStart, Math.min(offset - EXCERPT_WIDTH / 2, lineEnd - EXCERPT_WIDTH));
  const end = Math.min(lineEnd, start + EXCERPT_WIDTH);
  const before = start > lineStart ? '…' : '';
  const after = end < lineEnd ? '…' : '';
  const gutter = `${line} | `;
  const caret = ' '.repeat(gutter.length + before.length + offset - start);
  return `${gutter}${before}${text.slice(start, end)}${after}\n${caret}^`;
}

/** An open object or list on the scanner's stack, with what it needs to go on and to name paths. */
type Container =
  | { kind: 'object'; started: boolean; keys: Map<string, number>; key: string | undefined }
  | { kind: 'array'; started: boolean; index: number };

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const WORD = /[A-Za-z]+/y;
/** A run of string characters that need no attention: no quote, backslash or control character. */
const PLAIN_STRING_CHARS = /[^"\\\u0000-\u001f]*/y;

/**
 * A scanner that only checks the text (values are built by `JSON.parse`). It keeps open objects and
 * lists on its own stack rather than recursing, so no depth of nesting overflows it; the limit on
 * nesting is the experiment's (see `nestingDepth.ts`).
 */
class JsonScanner {
  private offset = 0;
  private readonly open: Container[] = [];

  constructor(private readonly text: string) {}

  document(): void {
    this.beginValue();
    for (let container = this.open.at(-1); container !== undefined; container = this.open.at(-1)) {
      this.skipWhitespace();
      const closer = container.kind === 'object' ? '}' : ']';
      if (container.started) {
        const next = this.text[this.offset];
        if (next !== ',' && next !== closer) {
          this.failSeparator(container.kind === 'object' ? '"," or "}" after a property value' : '"," or "]" after a list element');
        }
        this.offset++;
        if (next === closer) {
          this.open.pop();
          continue;
        }
        this.skipWhitespace();
        if (this.text[this.offset] === closer) this.fail(`trailing comma before "${closer}"; JSON allows none, remove it`);
      } else {
        container.started = true;
        if (this.text[this.offset] === closer) {
          this.offset++;
          this.open.pop();
          continue;
        }
      }
      if (container.kind === 'object') this.member(container);
      else container.index++;
      this.beginValue();
    }
    this.skipWhitespace();
    if (this.offset < this.text.length) this.fail('unexpected text after the end of the JSON value');
  }

  /** A property name and its colon, refusing a name the object already has. */
  private member(container: Container & { kind: 'object' }): void {
    this.skipWhitespace();
    if (this.text[this.offset] !== '"') this.fail(`expected a property name in double quotes; ${this.describeHere()}`);
    const start = this.offset;
    this.string();
    // Decoded, so "a" and "\u0061" are the same key, as JSON.parse sees them.
    const key = JSON.parse(this.text.slice(start, this.offset)) as string;
    const first = container.keys.get(key);
    container.key = key;
    if (first !== undefined) {
      this.offset = start;
      this.fail(
        `${formatFieldPath(this.path())} is given twice (first on line ${lineNumber(this.text, first)}); ` +
          'JSON keeps only the last, so remove one of them',
        'duplicate-key',
      );
    }
    container.keys.set(key, start);
    this.skipWhitespace();
    if (this.text[this.offset] !== ':') this.fail(`expected ":" after the property name; ${this.describeHere()}`);
    this.offset++;
  }

  /** Reads a scalar, or opens an object or list for {@link document} to go on with. */
  private beginValue(): void {
    this.skipWhitespace();
    const char = this.text[this.offset];
    if (char === '{') this.openContainer({ kind: 'object', started: false, keys: new Map(), key: undefined });
    else if (char === '[') this.openContainer({ kind: 'array', started: false, index: -1 });
    else if (char === '"') this.string();
    else if (char === '-' || isDigit(char)) this.number();
    else if (char === 't' || char === 'f' || char === 'n') this.literal();
    else
      this.fail(
        `expected a value (a string in double quotes, number, true, false, null, object or list); ${this.describeHere()}`,
      );
  }

  private openContainer(container: Container): void {
    this.offset++;
    this.skipWhitespace();
    this.open.push(container);
  }

  /** Where the value being read sits: the keys and indices of the open objects and lists. */
  private path(): PropertyKey[] {
    return this.open.map((container) => (container.kind === 'object' ? (container.key as string) : container.index));
  }

  private string(): void {
    this.offset++;
    for (;;) {
      PLAIN_STRING_CHARS.lastIndex = this.offset;
      PLAIN_STRING_CHARS.test(this.text);
      this.offset = PLAIN_STRING_CHARS.lastIndex;
      const char = this.text[this.offset];
      if (char === undefined) this.fail('the string is never closed; add the closing double quote');
      if (char === '"') {
        this.offset++;
        return;
      }
      if (char === '\\') this.escape();
      else this.fail('line break or control character inside a string; write it as an escape such as \\n');
    }
  }

  private escape(): void {
    const kind = this.text[this.offset + 1];
    if (kind === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.offset + 2, this.offset + 6))) {
        this.fail('"\\u" must be followed by four hex digits');
      }
      this.offset += 6;
    } else if (kind !== undefined && '"\\/bfnrt'.includes(kind)) {
      this.offset += 2;
    } else {
      this.fail('unknown escape in a string; a literal backslash is written "\\\\"');
    }
  }

  private number(): void {
    const literal = this.match(NUMBER);
    const next = this.text[this.offset + (literal?.length ?? 0)];
    if (literal === undefined || isDigit(next) || next === '.') {
      this.fail('malformed number (JSON numbers have no leading zeros and need digits after ".")');
    }
    if (!Number.isFinite(Number(literal))) {
      this.fail(
        `the number ${quoted(literal)} is out of range (not finite); numbers run to ±1.8e308, so write a smaller one`,
        'number-out-of-range',
      );
    }
    this.offset += literal.length;
  }

  private literal(): void {
    const word = this.match(WORD) ?? '';
    if (word !== 'true' && word !== 'false' && word !== 'null') {
      this.fail(`unknown word "${quoted(word)}"; expected true, false, null, or a string in double quotes`);
    }
    this.offset += word.length;
  }

  /** The text `pattern` (sticky) matches at the offset, without copying the rest of the text. */
  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.offset;
    return pattern.exec(this.text)?.[0];
  }

  private skipWhitespace(): void {
    for (;;) {
      const char = this.text[this.offset];
      if (char !== ' ' && char !== '\t' && char !== '\n' && char !== '\r') return;
      this.offset++;
    }
  }

  /** Names the character at `offset`, with a hint for the usual slips (comments, single quotes). */
  private describeAt(offset: number): string {
    const char = this.text[offset];
    if (char === undefined) return 'found the end of the file (an object or list is not closed)';
    if (char === '/') return 'found a comment (JSON has no comments; remove it)';
    if (char === "'") return 'found a single quote (JSON strings use double quotes)';
    if (char === '"') return 'found a double quote';
    if (/[A-Za-z_$]/.test(char)) return `found '${char}' (names and strings need double quotes)`;
    return `found '${char}'`;
  }

  private describeHere(): string {
    return this.describeAt(this.offset);
  }

  /** Fails on a missing separator, suspecting the usual cause when the next thing starts a value. */
  private failSeparator(expected: string): never {
    const char = this.text[this.offset];
    const likelyMissingComma = char !== undefined && /["{[\d-]/.test(char);
    const hint = likelyMissingComma ? '; is a "," missing before it?' : '';
    this.fail(`expected ${expected}; ${this.describeHere()}${hint}`);
  }

  private fail(problem: string, kind?: JsonProblemKind): never {
    throw new SyntaxFault(this.offset, problem, kind);
  }
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function quoted(literal: string): string {
  return literal.length > MAX_QUOTED ? `${literal.slice(0, MAX_QUOTED - 1)}…` : literal;
}
