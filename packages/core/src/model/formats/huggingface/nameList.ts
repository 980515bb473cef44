/** Most names one message lists. */
const LISTED_NAMES = 5;

/** The first few of `names` for a message, then how many more: `"a", "b", "c", "d", "e" and 3 more`. */
export function listNames(names: readonly string[]): string {
  const more = names.length - LISTED_NAMES;
  return names.slice(0, LISTED_NAMES).join(', ') + (more > 0 ? ` and ${more} more` : '');
}
