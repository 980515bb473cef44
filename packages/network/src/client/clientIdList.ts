import { ConfigError } from '@fedtune/core';

/** Most client ids one process may play: beyond this a list is a typo, not a load test. */
export const MAX_LISTED_CLIENT_IDS = 1_000_000;

/** The largest client id the protocol carries (a `u32`). */
const MAX_CLIENT_ID = 0xffff_ffff;

/** One id in canonical decimal, or a range `A-B`: `"01"` would name client 1 in disguise. */
const ENTRY = /^(0|[1-9]\d*)(?:-(0|[1-9]\d*))?$/;

const EXAMPLE = 'write ids and ranges separated by commas, e.g. 0,2,5-7';

/**
 * Parses a list of client ids such as `0,2,5-7` (ranges include both ends).
 * @returns the ids, ascending.
 * @throws ConfigError naming the entry at fault: not a whole number, a backwards range, an id listed
 *   twice, an id over 4294967295, or more than {@link MAX_LISTED_CLIENT_IDS} ids.
 */
export function parseClientIdList(text: string): number[] {
  const ids = new Set<number>();
  for (const entry of text.split(',')) {
    const match = ENTRY.exec(entry);
    if (match === null) {
      const what = entry === '' ? 'an empty entry' : `"${entry}" is not a client id (a whole number) or a range A-B`;
      throw new ConfigError(`client id list "${text}": ${what}; ${EXAMPLE}`);
    }
    const [, from = '', to = from] = match;
    const tooLarge = [from, to].find((digits) => Number(digits) > MAX_CLIENT_ID);
    if (tooLarge !== undefined) {
      throw new ConfigError(`client id list "${text}": ${tooLarge} is over the largest client id, ${MAX_CLIENT_ID}`);
    }
    const [first, last] = [Number(from), Number(to)];
    if (first > last) {
      throw new ConfigError(`client id list "${text}": the range ${entry} runs backwards; write ${last}-${first}`);
    }
    if (ids.size + (last - first + 1) > MAX_LISTED_CLIENT_IDS) {
      throw new ConfigError(
        `client id list "${text}" names more than ${MAX_LISTED_CLIENT_IDS} client ids; one process plays at most that many`,
      );
    }
    for (let id = first; id <= last; id++) {
      if (ids.has(id)) throw new ConfigError(`client id list "${text}": client ${id} is listed twice; list each id once`);
      ids.add(id);
    }
  }
  return [...ids].sort((a, b) => a - b);
}
