/** The first syntax error in a JSON text: where it is and what is wrong, in words a user can act on. */
export interface JsonSyntaxProblem {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  problem: string;
  /** The offending line with a caret under the column. */
  excerpt: string;
}

class SyntaxFault {
  constructor(readonly offset: number, readonly problem: string) {}
}

/**
 * Finds the first JSON syntax error of `text`, or `undefined` when it is valid JSON. `JSON.parse`
 * reports no position for some errors (an unexpected token), so the text is scanned here to give
 * every error a line and column.
 */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  try {
    new JsonScanner(text).document();
    return undefined;
  } catch (fault) {
    if (!(fault instanceof SyntaxFault)) throw fault;
    return locate(text, fault);
  }
}

function locate(text: string, fault: SyntaxFault): JsonSyntaxProblem {
  const before = text.slice(0, fault.offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  const source = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
  const column = fault.offset - lineStart + 1;
  const gutter = `${line} | `;
  const excerpt = `${gutter}${source}\n${' '.repeat(gutter.length + column - 1)}^`;
  return { line, column, problem: fault.problem, excerpt };
}

/** A recursive-descent scanner that only checks syntax (values are built by `JSON.parse`). */
class JsonScanner {
  private offset = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value();
    this.skipWhitespace();
    if (this.offset < this.text.length) this.fail('unexpected text after the end of the JSON value');
  }

  private value(): void {
    this.skipWhitespace();
    const char = this.text[this.offset];
    if (char === '{') this.object();
    else if (char === '[') this.array();
    else if (char === '"') this.string();
    else if (char === '-' || isDigit(char)) this.number();
    else if (char === 't' || char === 'f' || char === 'n') this.literal();
    else
      this.fail(
        `expected a value (a string in double quotes, number, true, false, null, object or list); ${this.describeHere()}`,
      );
  }

  private object(): void {
    this.offset++;
    this.skipWhitespace();
    if (this.text[this.offset] === '}') {
      this.offset++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.offset] === '}') this.fail('trailing comma before "}"; JSON allows none, remove it');
      if (this.text[this.offset] !== '"')
        this.fail(`expected a property name in double quotes; ${this.describeHere()}`);
      this.string();
      this.skipWhitespace();
      if (this.text[this.offset] !== ':') this.fail(`expected ":" after the property name; ${this.describeHere()}`);
      this.offset++;
      this.value();
      this.skipWhitespace();
      const next = this.text[this.offset];
      if (next !== ',' && next !== '}') this.failSeparator('"," or "}" after a property value');
      this.offset++;
      if (next === '}') return;
    }
  }

  private array(): void {
    this.offset++;
    this.skipWhitespace();
    if (this.text[this.offset] === ']') {
      this.offset++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.offset] === ']') this.fail('trailing comma before "]"; JSON allows none, remove it');
      this.value();
      this.skipWhitespace();
      const next = this.text[this.offset];
      if (next !== ',' && next !== ']') this.failSeparator('"," or "]" after a list element');
      this.offset++;
      if (next === ']') return;
    }
  }

  private string(): void {
    this.offset++;
    for (;;) {
      const char = this.text[this.offset];
      if (char === undefined) this.fail('the string is never closed; add the closing double quote');
      if (char === '"') {
        this.offset++;
        return;
      }
      if (char.charCodeAt(0) < 0x20)
        this.fail('line break or control character inside a string; write it as an escape such as \\n');
      if (char === '\\') this.escape();
      else this.offset++;
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
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.offset));
    const next = this.text[this.offset + (match?.[0].length ?? 0)];
    if (match === null || isDigit(next) || next === '.') {
      this.fail('malformed number (JSON numbers have no leading zeros and need digits after ".")');
    }
    this.offset += match[0].length;
  }

  private literal(): void {
    const word = /^[A-Za-z]+/.exec(this.text.slice(this.offset))?.[0] ?? '';
    if (word !== 'true' && word !== 'false' && word !== 'null') {
      this.fail(`unknown word "${word}"; expected true, false, null, or a string in double quotes`);
    }
    this.offset += word.length;
  }

  private skipWhitespace(): void {
    while (/[ \t\n\r]/.test(this.text[this.offset] ?? '')) this.offset++;
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

  private fail(problem: string): never {
    throw new SyntaxFault(this.offset, problem);
  }
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}
