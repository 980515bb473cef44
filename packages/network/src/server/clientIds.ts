/** How many ids a log line or an error frame spells out before summing up the rest. */
const LISTED_IDS = 8;

/** `client 3`, `clients 0, 1, 2`, or the first few and how many more: short enough for any frame. */
export function describeClients(ids: readonly number[]): string {
  if (ids.length === 1) return `client ${ids[0]}`;
  const listed = ids.slice(0, LISTED_IDS).join(', ');
  const more = ids.length > LISTED_IDS ? ` and ${ids.length - LISTED_IDS} more` : '';
  return `clients ${listed}${more}`;
}
