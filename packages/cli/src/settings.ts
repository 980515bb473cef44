import { InvalidArgumentError } from 'commander';
import { ConfigError, type ExperimentEdit } from '@fedtune/core/light';

/** One `--set path=value`: where in the experiment, and the value to put there. */
export interface Setting {
  /** The path's fields in order; a list is indexed by a field of digits. */
  path: string[];
  value: unknown;
  /** As typed, for messages. */
  text: string;
}

/**
 * Reads `path=value` for commander: a dotted path (`compressor.options.levels`, `data.tasks.0.name`)
 * and a value read as JSON (`50`, `true`, `[1,2]`, `{"kind":"iid"}`) or, when it is no JSON, as text
 * (`adam`), so strings need no quotes.
 */
export function parseSetting(text: string): Setting {
  const equals = text.indexOf('=');
  const path = equals < 0 ? [] : text.slice(0, equals).trim().split('.');
  // `__proto__` would reach the prototype of every object rather than a field of the experiment.
  if (equals < 0 || path.some((field) => field === '' || field === '__proto__')) {
    throw new InvalidArgumentError(
      `expected path=value with a dotted path of field names, such as training.rounds=50, got "${text}".`,
    );
  }
  return { path, value: jsonOrText(text.slice(equals + 1)), text };
}

function jsonOrText(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * The `--set` values as an edit of the experiment file's JSON, made before the schema validates it,
 * so a wrong value or an unknown field gets the schema's own message naming its path; `undefined`
 * when there are none.
 */
export function settingsEdit(settings: readonly Setting[]): ExperimentEdit | undefined {
  if (settings.length === 0) return undefined;
  return {
    apply: (json) => applySettings(json, settings),
    description: settings.map((setting) => `--set ${setting.text}`).join(' '),
  };
}

/**
 * A copy of `json` with every setting applied in order (a later one wins), missing objects created
 * on the way. A path that goes on from a text reads it as `{ "name": text }`, the long form of a
 * component named alone: `--set compressor.options.levels=4` works on `"compressor": "qsgd"`.
 * @throws ConfigError when a path goes on from a number, a boolean, null or a list entry past its
 *   end, or indexes a list with a name.
 */
export function applySettings(json: unknown, settings: readonly Setting[]): unknown {
  // A file that holds no object at all gets the schema's message about that, not one per setting.
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  const root = structuredClone(json);
  for (const setting of settings) {
    let node: unknown = root;
    setting.path.forEach((field, depth) => {
      const container = fieldsOf(node, setting, depth);
      const last = depth === setting.path.length - 1;
      if (Array.isArray(container)) {
        const index = listIndex(container, field, setting, depth);
        if (last) container[index] = setting.value;
        else node = container[index] = longForm(container[index]);
      } else if (last) {
        container[field] = setting.value;
      } else {
        // Own fields only: an inherited one (`constructor`) is no part of the experiment.
        node = container[field] = longForm(Object.hasOwn(container, field) ? container[field] : undefined);
      }
    });
  }
  return root;
}

/** What a path goes on through: a new object for a missing field, the long form of a component's name. */
function longForm(value: unknown): unknown {
  if (value === undefined) return {};
  return typeof value === 'string' ? { name: value } : value;
}

function fieldsOf(node: unknown, setting: Setting, depth: number): Record<string, unknown> | unknown[] {
  if (typeof node === 'object' && node !== null) return node as Record<string, unknown> | unknown[];
  const where = setting.path.slice(0, depth).join('.');
  throw new ConfigError(
    `--set ${setting.text}: ${where} is ${JSON.stringify(node)}, which has no fields; ` +
      `set ${where} itself (--set ${where}=<JSON value>)`,
  );
}

function listIndex(list: unknown[], field: string, setting: Setting, depth: number): number {
  const index = /^\d+$/.test(field) ? Number(field) : Number.NaN;
  if (index <= list.length) return index;
  const where = setting.path.slice(0, depth).join('.');
  throw new ConfigError(
    `--set ${setting.text}: ${where} is a list of ${list.length}; index it with a number from 0 to ${list.length} ` +
      `(${list.length} adds an entry), e.g. ${where}.0`,
  );
}
