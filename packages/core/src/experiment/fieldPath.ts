/** Where a value sits in an experiment: property names and list indices from the top. */
export type FieldPath = readonly PropertyKey[];

/** Longest property name shown whole; a key of megabytes must not make the message that long. */
const MAX_KEY_LENGTH = 40;

/** `compare[0].adapter.rank`; the whole file is `(top level)`. */
export function formatFieldPath(path: FieldPath): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${shortKey(String(key))}`))
    .join('');
}

function shortKey(key: string): string {
  return key.length > MAX_KEY_LENGTH ? `${key.slice(0, MAX_KEY_LENGTH - 1)}…` : key;
}
