import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFedtuneError } from '@fedtune/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatTokensFile,
  generateClientTokens,
  parseTokensFile,
  readTokensFile,
  SECRET_BYTES,
  TOKENS_FILE_MODE,
  writeTokensFile,
} from '../src/index.js';

const folder = mkdtempSync(join(tmpdir(), 'fedtune-tokens-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const posix = process.platform !== 'win32' && existsSync('/dev/zero');

/** The message of the error `read` throws, after checking it is a ConfigError (exit status 2 in the CLI). */
function configErrorOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(isFedtuneError(error, 'ConfigError')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

function fileWith(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

describe('writing tokens', () => {
  it('writes one distinct base64url secret of 32 random bytes per client id, readable by its owner only', () => {
    const path = join(folder, 'written.json');
    writeTokensFile(path, generateClientTokens(500));
    expect(statSync(path).mode & 0o777).toBe(TOKENS_FILE_MODE);
    const json = JSON.parse(readFileSync(path, 'utf8')) as { tokens: Record<string, string> };
    expect(Object.keys(json)).toEqual(['tokens']);
    expect(Object.keys(json.tokens)).toEqual(Array.from({ length: 500 }, (_, id) => String(id)));
    const secrets = Object.values(json.tokens);
    expect(new Set(secrets).size).toBe(500);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(SECRET_BYTES);
    }
  });

  it('replaces an existing file whole, and under the owner-only mode even if the old file was open to all', () => {
    const path = fileWith('replaced.json', 'old content');
    // chmod through a fresh write: writeFileSync's mode applies only when it creates the file.
    rmSync(path);
    writeFileSync(path, 'old content', { mode: 0o644 });
    const secrets = generateClientTokens(3);
    writeTokensFile(path, secrets);
    expect(statSync(path).mode & 0o777).toBe(TOKENS_FILE_MODE);
    expect(readTokensFile(path)).toEqual(secrets);
  });

  it('reads back exactly what it wrote, ids ascending whatever the map order', () => {
    const secrets = new Map([
      [10, 'ten'],
      [2, 'two'],
      [0, 'zero'],
    ]);
    const text = formatTokensFile(secrets);
    expect(Object.keys((JSON.parse(text) as { tokens: object }).tokens)).toEqual(['0', '2', '10']);
    expect(parseTokensFile(text, 'mem.json')).toEqual(secrets);
  });

  it('refuses a client count that is not a whole number of at least 1', () => {
    for (const count of [0, -1, 1.5, Number.NaN]) expect(() => generateClientTokens(count)).toThrow(RangeError);
  });
});

describe('reading a tokens file refuses each kind of bad file, naming the file and the fix', () => {
  it('a missing file', () => {
    const path = join(folder, 'absent.json');
    expect(configErrorOf(() => readTokensFile(path))).toBe(
      `tokens file not found: ${path}; check the path, or write one with \`fedtune tokens --clients N --out ${path}\``,
    );
  });

  it('a folder', () => {
    const path = join(folder, 'a-folder');
    mkdirSync(path);
    expect(configErrorOf(() => readTokensFile(path))).toBe(
      `${path} is a folder, not a regular file; give the path of the tokens file.`,
    );
  });

  it('text that is not JSON', () => {
    const path = fileWith('broken.json', '{ "tokens": { "0": "abc", } }');
    const message = configErrorOf(() => readTokensFile(path));
    expect(message).toMatch(new RegExp(`^tokens file ${path} is not valid JSON \\(.+\\); write a new one with`));
    expect(message).toContain('`fedtune tokens --clients N --out FILE --overwrite`');
  });

  it.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"secret"'],
  ])('JSON that is %s, not an object', (kind, text) => {
    const path = fileWith(`not-object-${kind}.json`, text);
    const message = configErrorOf(() => readTokensFile(path));
    expect(message).toContain(`tokens file ${path} has 1 problem:\n  - the file: expected an object, got ${kind}\n`);
    expect(message).toContain('It must hold { "tokens": { "0": "<secret>", "1": "<secret>", … } }');
  });

  it('an object without "tokens", or with "tokens" not an object', () => {
    expect(configErrorOf(() => parseTokensFile('{}', 'f.json'))).toContain('  - tokens: missing\n');
    expect(configErrorOf(() => parseTokensFile('{ "tokens": ["a"] }', 'f.json'))).toContain(
      '  - tokens: expected an object of client id → secret, got an array\n',
    );
  });

  it('a key beside "tokens"', () => {
    expect(configErrorOf(() => parseTokensFile('{ "tokens": { "0": "a" }, "secret": "b" }', 'f.json'))).toContain(
      '  - the file: unknown key "secret"; only "tokens" is allowed\n',
    );
  });

  it('every client id that is not a non-negative whole number in canonical form, each listed', () => {
    const ids = ['-1', '01', '1.5', '1e3', ' 2', 'client-3', '', '9007199254740993'];
    const text = JSON.stringify({ tokens: Object.fromEntries([['0', 'fine'], ...ids.map((id) => [id, 'x'])]) });
    const message = configErrorOf(() => parseTokensFile(text, 'ids.json'));
    expect(message).toContain(`tokens file ids.json has ${ids.length} problems:`);
    for (const id of ids) {
      expect(message).toContain(
        `  - tokens[${JSON.stringify(id)}]: client id ${JSON.stringify(id)} is not a whole number 0, 1, 2, …`,
      );
    }
    expect(message).not.toContain('tokens["0"]');
  });

  it('an empty or non-string secret, without echoing any secret', () => {
    const text = JSON.stringify({ tokens: { 0: '', 1: 12345, 2: null, 3: { s: 'hidden' }, 4: 'valid-secret' } });
    const message = configErrorOf(() => parseTokensFile(text, 'secrets.json'));
    expect(message).toContain('tokens file secrets.json has 4 problems:');
    expect(message).toContain('  - tokens["0"]: the secret is empty\n');
    expect(message).toContain('  - tokens["1"]: the secret must be a string, got a number\n');
    expect(message).toContain('  - tokens["2"]: the secret must be a string, got null\n');
    expect(message).toContain('  - tokens["3"]: the secret must be a string, got an object\n');
    for (const secret of ['12345', 'hidden', 'valid-secret']) expect(message).not.toContain(secret);
  });

  it('a file holding no tokens', () => {
    expect(configErrorOf(() => parseTokensFile('{ "tokens": {} }', 'empty.json'))).toBe(
      'tokens file empty.json holds no tokens; write a new one with `fedtune tokens --clients N --out FILE --overwrite` and give each client its secret',
    );
  });

  it('accepts a leading byte-order mark', () => {
    expect(parseTokensFile('\uFEFF{ "tokens": { "7": "s" } }', 'bom.json')).toEqual(new Map([[7, 's']]));
  });
});

describe('a tokens file is checked before it is read', () => {
  it.runIf(posix)('refuses a link to /dev/zero and a FIFO instead of reading without end or waiting', () => {
    const zero = join(folder, 'zero.json');
    symlinkSync('/dev/zero', zero);
    expect(configErrorOf(() => readTokensFile(zero))).toBe(
      `${zero} (a link to /dev/zero) is a character device, not a regular file; give the path of the tokens file.`,
    );
    const pipe = join(folder, 'pipe.json');
    execFileSync('mkfifo', [pipe]);
    expect(configErrorOf(() => readTokensFile(pipe))).toBe(
      `${pipe} is a named pipe (FIFO), not a regular file; give the path of the tokens file.`,
    );
  });

  it('refuses a file far larger than any tokens file from its size', () => {
    const huge = join(folder, 'huge.json');
    writeFileSync(huge, '');
    // Sparse: reading it would take 3 GiB.
    truncateSync(huge, 3 * 2 ** 30);
    expect(configErrorOf(() => readTokensFile(huge))).toMatch(
      new RegExp(`^${huge} is 3221225472 bytes, over the \\d+-byte limit for a tokens file`),
    );
  });
});
