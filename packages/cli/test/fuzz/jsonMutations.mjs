// @ts-check
/**
 * Careless and hostile edits of a JSON document: keys deleted and added, values of the wrong type,
 * extreme numbers, unicode and control characters, megabyte strings, deep nesting, wide lists, keys
 * given twice. Arbitraries generate small recipes (positions are indices taken modulo what the
 * document holds), so counterexamples shrink and print short; `applyJsonMutation` builds the value.
 */
import fc from 'fast-check';
import { applyByteDamage, byteDamage } from './byteDamage.mjs';
import { cloneDocument, containersIn, duplicatesOf, positionsIn, RawJson, setDuplicates, setOwn, writeJson } from './jsonDocument.mjs';

/** Number tokens at and past the edges of what JSON readers and schemas hold. */
const EXTREME_NUMBERS = [
  '0', '-0', '-1', '0.5', '1e308', '-1e308', '1e999', '-1e999', '4294967296', '9007199254740993',
  '123456789012345678901234567890', '1e-320', '2.5e+5', 'NaN', 'Infinity', '-Infinity', '0x10', '01',
];

/** Strings that break terminals, paths and naive escaping. */
const HOSTILE_STRINGS = [
  '', ' ', '\u0000', '\u001b[2J\u001b[31mred', '\r', 'a\nb', '\ud800', '\udfff\ud800', '\u202eevil', 'e\u0301',
  '💥', '../../..', '/', 'C:\\', '%s%n', '${process.exit()}', '__proto__', 'constructor',
];

/** A small value of any JSON type. */
export const smallJson = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -10, max: 10 }),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.constant([]),
  fc.constant({}),
);

/** A string with any code point, lone surrogates included. */
const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: 'binary', maxLength: 12 }));

/** A string that a schema's type check lets through: long, or full of odd characters. */
const hostileStringValue = fc.oneof(
  fc.record({ kind: fc.constant('string'), value: hostileString }),
  fc.record({
    kind: fc.constant('long'),
    char: fc.constantFrom('a', 'é', '\u0000', '💥', '\n'),
    length: fc.constantFrom(1_000, 100_000, 2_000_000),
  }),
);

/** A recipe of a value that a careless or hostile writer puts where another was. */
export const hostileValue = fc.oneof(
  fc.record({ kind: fc.constant('value'), value: smallJson }),
  hostileStringValue,
  fc.record({ kind: fc.constant('number'), text: fc.constantFrom(...EXTREME_NUMBERS) }),
  // A string with its characters written raw: control characters and quotes unescaped.
  fc.record({ kind: fc.constant('unescaped'), text: hostileString }),
  fc.record({ kind: fc.constant('deep'), depth: fc.constantFrom(10, 65, 1_000, 100_000), open: fc.constantFrom('[', '{"a":') }),
  fc.record({ kind: fc.constant('wide'), count: fc.constantFrom(2, 1_000, 100_000), item: smallJson }),
);

/**
 * @param {any} recipe a value of {@link hostileValue}
 * @returns {import('./jsonDocument.mjs').JsonDocument}
 */
export function materialise(recipe) {
  switch (recipe.kind) {
    case 'value':
    case 'string':
      return cloneDocument(recipe.value);
    case 'number':
      return new RawJson(recipe.text);
    case 'unescaped':
      return new RawJson(`"${recipe.text}"`);
    case 'long':
      return recipe.char.repeat(recipe.length);
    case 'deep': {
      const close = recipe.open === '[' ? ']' : '}';
      return new RawJson(`${recipe.open.repeat(recipe.depth)}0${close.repeat(recipe.depth)}`);
    }
    case 'wide':
      return Array.from({ length: recipe.count }, () => cloneDocument(recipe.item));
    default:
      throw new Error(`unknown value recipe ${recipe.kind}`);
  }
}

const key = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', '$schema', 'label', 'options', 'rounds'),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

/** One edit of a JSON document. */
export const jsonMutation = fc.oneof(
  fc.record({ op: fc.constant('delete'), at: fc.nat() }),
  // Strings stay strings and numbers numbers, so the edit gets past type checks to what uses the value.
  fc.record({
    op: fc.constant('same-type'),
    at: fc.nat(),
    string: hostileStringValue,
    number: fc.constantFrom(...EXTREME_NUMBERS),
  }),
  fc.record({ op: fc.constant('add'), at: fc.nat(), key, value: hostileValue }),
  fc.record({ op: fc.constant('replace'), at: fc.nat(), value: hostileValue }),
  fc.record({ op: fc.constant('repeat-key'), at: fc.nat(), which: fc.nat(), value: hostileValue }),
);

/**
 * `document` with `mutation` applied, as a new document. Positions are taken modulo what the
 * document holds; an edit with nothing to act on leaves it as it was.
 * @param {import('./jsonDocument.mjs').JsonDocument} document
 * @param {any} mutation a value of {@link jsonMutation}
 */
export function applyJsonMutation(document, mutation) {
  const root = cloneDocument(document);
  /** @template T @param {T[]} items @returns {T | undefined} */
  const pick = (items) => (items.length === 0 ? undefined : items[mutation.at % items.length]);
  switch (mutation.op) {
    case 'delete': {
      const place = pick(positionsIn(root));
      if (place === undefined) return root;
      if (Array.isArray(place.holder)) place.holder.splice(Number(place.key), 1);
      else delete place.holder[place.key];
      return root;
    }
    case 'replace': {
      const place = pick(positionsIn(root));
      if (place === undefined) return materialise(mutation.value);
      /** @type {any} */ (place.holder)[place.key] = materialise(mutation.value);
      return root;
    }
    case 'same-type': {
      const leaves = positionsIn(root).filter(({ holder, key }) => ['string', 'number'].includes(typeof (/** @type {any} */ (holder)[key])));
      const place = pick(leaves);
      if (place === undefined) return root;
      const isString = typeof (/** @type {any} */ (place.holder)[place.key]) === 'string';
      /** @type {any} */ (place.holder)[place.key] = isString ? materialise(mutation.string) : new RawJson(mutation.number);
      return root;
    }
    case 'add': {
      const holder = pick(containersIn(root));
      if (holder === undefined) return root;
      if (Array.isArray(holder)) holder.push(materialise(mutation.value));
      else setOwn(holder, mutation.key, materialise(mutation.value));
      return root;
    }
    case 'repeat-key': {
      const objects = containersIn(root).filter((item) => !Array.isArray(item) && Object.keys(item).length > 0);
      const holder = pick(objects);
      if (holder === undefined) return root;
      const keys = Object.keys(holder);
      const repeated = keys[mutation.which % keys.length] ?? '';
      setDuplicates(holder, [...duplicatesOf(holder), [repeated, materialise(mutation.value)]]);
      return root;
    }
    default:
      throw new Error(`unknown JSON mutation ${mutation.op}`);
  }
}

/**
 * @param {import('./jsonDocument.mjs').JsonDocument} document
 * @param {readonly any[]} mutations
 */
export function applyJsonMutations(document, mutations) {
  return mutations.reduce(applyJsonMutation, document);
}

/** Damage to a JSON file fedtune wrote: up to two edits as JSON, then perhaps damage to its bytes. */
export const jsonFileDamage = fc.record({
  mutations: fc.array(jsonMutation, { maxLength: 2 }),
  bytes: fc.option(byteDamage, { freq: 2, nil: undefined }),
});

/**
 * @param {Buffer} bytes the file as fedtune wrote it
 * @param {any} damage a value of {@link jsonFileDamage}
 * @returns {Buffer}
 */
export function damageJsonFile(bytes, damage) {
  const edited = Buffer.from(writeJson(applyJsonMutations(JSON.parse(bytes.toString('utf8')), damage.mutations), true));
  return damage.bytes === undefined ? edited : applyByteDamage(edited, damage.bytes);
}
