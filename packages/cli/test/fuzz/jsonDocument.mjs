// @ts-check
/**
 * A JSON value that can also hold what `JSON.stringify` never writes: verbatim text (1e999, NaN,
 * nesting 100 000 levels deep, unescaped control characters) and keys given twice. Fuzz cases
 * build damaged experiment files, ledger rows and resume records from it.
 */

/** Text written verbatim where a value goes. */
export class RawJson {
  /** @param {string} text */
  constructor(text) {
    this.text = text;
  }
}

/** Entries an object repeats after its own, as a hand-edited file may. */
const DUPLICATES = Symbol('keys given twice');

/**
 * @typedef {{ [key: string]: JsonDocument }} JsonObject
 * @typedef {Array<JsonDocument>} JsonArray
 * @typedef {null | boolean | number | string | RawJson | JsonObject | JsonArray} JsonDocument
 */

/**
 * A copy that keeps verbatim text and repeated keys. Documents nest only as deep as the files they
 * came from: deep values are verbatim text, so recursion is safe here.
 * @param {JsonDocument} value
 * @returns {JsonDocument}
 */
export function cloneDocument(value) {
  if (value === null || typeof value !== 'object' || value instanceof RawJson) return value;
  if (Array.isArray(value)) return value.map(cloneDocument);
  /** @type {{ [key: string]: JsonDocument }} */
  const copy = {};
  for (const [key, item] of Object.entries(value)) setOwn(copy, key, cloneDocument(item));
  const repeated = duplicatesOf(value);
  if (repeated.length > 0) setDuplicates(copy, repeated.map(([key, item]) => [key, cloneDocument(item)]));
  return copy;
}

/**
 * Sets `key` as an own property, even `__proto__`, as `JSON.parse` does.
 * @param {{ [key: string]: JsonDocument }} object
 * @param {string} key
 * @param {JsonDocument} value
 */
export function setOwn(object, key, value) {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * @param {object} object
 * @returns {[string, JsonDocument][]}
 */
export function duplicatesOf(object) {
  return /** @type {any} */ (object)[DUPLICATES] ?? [];
}

/**
 * @param {object} object
 * @param {[string, JsonDocument][]} entries
 */
export function setDuplicates(object, entries) {
  Object.defineProperty(object, DUPLICATES, { value: entries, enumerable: false, configurable: true });
}

/**
 * The document as JSON text, indented like fedtune's own files when `indent` is set.
 * @param {JsonDocument} value
 * @param {boolean} [indent]
 */
export function writeJson(value, indent = false) {
  /** @type {string[]} */
  const parts = [];
  /** @param {number} depth */
  const newline = (depth) => (indent ? `\n${'  '.repeat(depth)}` : '');
  /**
   * @param {JsonDocument} item
   * @param {number} depth
   */
  const write = (item, depth) => {
    if (item instanceof RawJson) {
      parts.push(item.text);
    } else if (Array.isArray(item)) {
      parts.push('[');
      item.forEach((element, i) => {
        parts.push(i === 0 ? '' : ',', newline(depth + 1));
        write(element, depth + 1);
      });
      parts.push(item.length === 0 ? '' : newline(depth), ']');
    } else if (item !== null && typeof item === 'object') {
      const entries = [...Object.entries(item), ...duplicatesOf(item)];
      parts.push('{');
      entries.forEach(([key, element], i) => {
        parts.push(i === 0 ? '' : ',', newline(depth + 1), JSON.stringify(key), indent ? ': ' : ':');
        write(element, depth + 1);
      });
      parts.push(entries.length === 0 ? '' : newline(depth), '}');
    } else {
      parts.push(JSON.stringify(item) ?? 'null');
    }
  };
  write(value, 0);
  return parts.join('');
}

/**
 * @typedef {{ holder: JsonDocument[] | { [key: string]: JsonDocument }; key: string | number }} Position
 */

/**
 * Every place below the top that holds a value, in document order.
 * @param {JsonDocument} root
 * @returns {Position[]}
 */
export function positionsIn(root) {
  /** @type {Position[]} */
  const positions = [];
  /** @type {JsonDocument[]} */
  const pending = [root];
  for (let value = pending.shift(); value !== undefined; value = pending.shift()) {
    if (value === null || typeof value !== 'object' || value instanceof RawJson) continue;
    const holder = value;
    const keys = Array.isArray(holder) ? holder.map((_, i) => i) : Object.keys(holder);
    for (const key of keys) {
      positions.push({ holder, key });
      pending.push(/** @type {any} */ (holder)[key]);
    }
  }
  return positions;
}

/**
 * Every list and object, the top first.
 * @param {JsonDocument} root
 * @returns {(JsonDocument[] | { [key: string]: JsonDocument })[]}
 */
export function containersIn(root) {
  const isContainer = (/** @type {JsonDocument} */ value) =>
    value !== null && typeof value === 'object' && !(value instanceof RawJson);
  const below = positionsIn(root).map(({ holder, key }) => /** @type {any} */ (holder)[key]);
  return /** @type {any} */ ([root, ...below].filter(isContainer));
}

/**
 * The value `text` holds when it is JSON nested at most `maxDepth` levels, else `undefined`: a
 * fuzz case edits what it damaged before, and this module's recursive helpers must not meet the
 * 100 000 levels a case may have written.
 * @param {string} text
 * @param {number} maxDepth
 * @returns {any}
 */
export function parseShallowJson(text, maxDepth) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '[' || char === '{') {
      if (++depth > maxDepth) return undefined;
    } else if (char === ']' || char === '}') {
      depth--;
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
