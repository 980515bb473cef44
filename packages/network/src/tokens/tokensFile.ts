import { isAbsolute } from 'node:path';
import { ConfigError, isFedtuneError, readTextFileWithin } from '@fedtune/core';
import { z } from 'zod';

/** What a tokens file holds, for error messages. */
const TOKENS_FILE_SHAPE = '{ "tokens": { "0": "<secret>", "1": "<secret>", … } }';

/** Largest tokens file read: the secrets of a million clients, the most a federation has, take about 60 MB. */
const MAX_TOKENS_FILE_BYTES = 128 * 2 ** 20;

/** The usual fix for a tokens file that cannot be used. */
const REWRITE_HINT = 'write a new one with `fedtune tokens --clients N --out FILE --overwrite` and give each client its secret';

/**
 * Client ids in canonical decimal: `"01"` would name the same client as `"1"`, so only one spelling
 * is accepted and no two keys can clash.
 */
const clientIdKey = z.string().refine((key) => /^(0|[1-9]\d*)$/.test(key) && Number.isSafeInteger(Number(key)), {
  error: (issue) =>
    `client id ${JSON.stringify(issue.input)} is not a whole number 0, 1, 2, … (written without sign, point or leading zeros)`,
});

const secret = z
  .string({ error: (issue) => `the secret must be a string, got ${kindOf(issue.input)}` })
  .min(1, { error: 'the secret is empty' });

const tokensFileSchema = z.strictObject(
  {
    tokens: z.record(clientIdKey, secret, {
      error: (issue) =>
        issue.input === undefined
          ? 'missing'
          : `expected an object of client id → secret, got ${kindOf(issue.input)}`,
    }),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? `expected an object, got ${kindOf(issue.input)}` : undefined) },
);

/**
 * Parses the text of a tokens file: client id → secret.
 * @param path names the file in error messages.
 * @throws ConfigError naming the file, every problem in it and the fix.
 */
export function parseTokensFile(text: string, path: string): Map<number, string> {
  let json: unknown;
  try {
    // A byte-order mark is invisible in editors but breaks JSON.parse.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`tokens file ${path} is not valid JSON (${(error as Error).message}); ${REWRITE_HINT}`, {
      cause: error,
    });
  }
  const result = tokensFileSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${describeIssue(issue)}`);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new ConfigError(
      `tokens file ${path} has ${count}:\n${problems.join('\n')}\nIt must hold ${TOKENS_FILE_SHAPE}; fix it, or ${REWRITE_HINT}.`,
    );
  }
  const entries = Object.entries(result.data.tokens);
  if (entries.length === 0) throw new ConfigError(`tokens file ${path} holds no tokens; ${REWRITE_HINT}`);
  return new Map(entries.map(([id, value]) => [Number(id), value]));
}

/**
 * Reads and parses a tokens file: client id → secret.
 * @throws ConfigError when the file is missing, unreadable, not a regular file (links followed) or
 *   over 128 MiB, which is checked before reading; or as {@link parseTokensFile} does.
 */
export function readTokensFile(path: string): Map<number, string> {
  let text: string;
  try {
    text = readTextFileWithin(path, {
      what: 'a tokens file',
      maxBytes: MAX_TOKENS_FILE_BYTES,
      error: ConfigError,
      fix: 'give the path of the tokens file',
    });
  } catch (error) {
    if (isFedtuneError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const from = isAbsolute(path) ? '' : ` (relative to ${process.cwd()})`;
      throw new ConfigError(
        `tokens file not found: ${path}${from}; check the path, or write one with \`fedtune tokens --clients N --out ${path}\``,
        { cause: error },
      );
    }
    throw new ConfigError(`cannot read tokens file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseTokensFile(text, path);
}

/** The text of a tokens file holding `secrets` (client id → secret), ids in ascending order. */
export function formatTokensFile(secrets: ReadonlyMap<number, string>): string {
  const tokens: Record<string, string> = {};
  for (const id of [...secrets.keys()].sort((a, b) => a - b)) tokens[String(id)] = secrets.get(id) as string;
  return `${JSON.stringify({ tokens }, null, 2)}\n`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where =
    issue.path.length === 0
      ? 'the file'
      : issue.path.map((key, index) => (index === 0 ? String(key) : `[${JSON.stringify(key)}]`)).join('');
  if (issue.code === 'invalid_key') return `${where}: ${issue.issues.map((inner) => inner.message).join('; ')}`;
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown key ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}; only "tokens" is allowed`;
  }
  return `${where}: ${issue.message}`;
}

/** A value's kind in words; never the value, which may be a secret. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}
