// @ts-check
/**
 * Damage to a ledger.jsonl: rows dropped, swapped, repeated or cut, blank and garbage lines,
 * fields of the wrong type or out of range (NaN, 1e999, huge rounds), deep nesting, tens of
 * thousands of extra rows, and the file's bytes damaged as a whole.
 */
import fc from 'fast-check';
import { applyByteDamage, byteDamage } from './byteDamage.mjs';
import { parseShallowJson, writeJson } from './jsonDocument.mjs';
import { applyJsonMutations, jsonMutation } from './jsonMutations.mjs';

const garbageLine = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '{', 'null', '[]', '{}', '"round"', '{"round":1e999}', '{"round":NaN}', '{"round":-1}', '{"round":1e300}',
    '{"round":0,"round":1}', '\u0000\u0000', '{"__proto__":{"round":0}}',
  ),
);

const lineDamage = fc.oneof(
  fc.record({ op: fc.constant('drop'), at: fc.nat() }),
  fc.record({ op: fc.constant('swap'), at: fc.nat(), other: fc.nat() }),
  fc.record({ op: fc.constant('repeat'), at: fc.nat() }),
  fc.record({ op: fc.constant('cut'), at: fc.nat(), keep: fc.nat() }),
  fc.record({ op: fc.constant('insert'), at: fc.nat(), text: fc.oneof(garbageLine, fc.constantFrom('', '   ', '\r', '\t')) }),
  fc.record({ op: fc.constant('nest'), at: fc.nat(), depth: fc.constantFrom(1_000, 100_000) }),
  fc.record({ op: fc.constant('edit'), at: fc.nat(), mutations: fc.array(jsonMutation, { minLength: 1, maxLength: 2 }) }),
  fc.record({ op: fc.constant('extend'), count: fc.constantFrom(100, 20_000), renumber: fc.boolean() }),
);

/** Rows deeper than this are left as they are rather than edited (a ledger row nests 2 levels). */
const MAX_EDITED_DEPTH = 64;
/** The longest last line that 'extend' copies (a ledger row is a few hundred characters). */
const MAX_COPIED_LENGTH = 4_000;

/** Up to three line damages, then, one time in three, damage to the file's bytes. */
export const ledgerDamage = fc.record({
  lines: fc.array(lineDamage, { maxLength: 3 }),
  bytes: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: byteDamage }),
});

/**
 * @param {Uint8Array} ledger the file's bytes
 * @param {any} damage a value of {@link ledgerDamage}
 * @returns {Buffer}
 */
export function damageLedger(ledger, damage) {
  const lines = Buffer.from(ledger).toString('utf8').split('\n');
  const endsWithLineFeed = lines.at(-1) === '';
  if (endsWithLineFeed) lines.pop();
  for (const op of damage.lines) applyLineDamage(lines, op);
  const text = `${lines.join('\n')}${endsWithLineFeed ? '\n' : ''}`;
  return damage.bytes === undefined ? Buffer.from(text) : applyByteDamage(Buffer.from(text), damage.bytes);
}

/**
 * @param {string[]} lines
 * @param {any} op
 */
function applyLineDamage(lines, op) {
  const index = lines.length === 0 ? 0 : op.at % lines.length;
  const line = lines[index];
  switch (op.op) {
    case 'drop':
      lines.splice(index, 1);
      return;
    case 'swap': {
      const other = lines.length === 0 ? 0 : op.other % lines.length;
      if (line === undefined) return;
      lines[index] = lines[other] ?? line;
      lines[other] = line;
      return;
    }
    case 'repeat':
      if (line !== undefined) lines.splice(index, 0, line);
      return;
    case 'cut':
      if (line !== undefined) lines[index] = line.slice(0, op.keep % (line.length + 1));
      return;
    case 'insert':
      lines.splice(op.at % (lines.length + 1), 0, op.text);
      return;
    case 'nest':
      lines.splice(op.at % (lines.length + 1), 0, `${'['.repeat(op.depth)}${']'.repeat(op.depth)}`);
      return;
    case 'edit': {
      const row = line === undefined ? undefined : parseShallowJson(line, MAX_EDITED_DEPTH);
      if (row !== undefined) lines[index] = writeJson(applyJsonMutations(row, op.mutations));
      return;
    }
    case 'extend':
      lines.push(...extraRows(lines.at(-1), op.count, op.renumber));
      return;
    default:
      throw new Error(`unknown line damage ${op.op}`);
  }
}

/**
 * `count` copies of the last row, numbered on from it when `renumber`: a ledger far longer than its
 * experiment's rounds. A last line that earlier damage made long is not copied: the case would
 * take gigabytes before fedtune reads it.
 * @param {string | undefined} last
 * @param {number} count
 * @param {boolean} renumber
 */
function extraRows(last, count, renumber) {
  if (last === undefined || last.length > MAX_COPIED_LENGTH) return [];
  const row = renumber ? parseShallowJson(last, MAX_EDITED_DEPTH) : undefined;
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return Array.from({ length: count }, () => last);
  const first = typeof row.round === 'number' ? row.round + 1 : 0;
  return Array.from({ length: count }, (_, i) => JSON.stringify({ ...row, round: first + i }));
}
