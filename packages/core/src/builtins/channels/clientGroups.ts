import { z } from 'zod';
import { ConfigError } from '../../errors.js';

/**
 * Contiguous blocks of client ids by share of the federation, e.g. two halves with different link
 * quality. Shares are normalised; the last block absorbs rounding so every client has a group.
 */
export const clientGroupsSchema = <Item extends z.ZodRawShape>(item: Item) =>
  z.array(z.strictObject({ share: z.number().gt(0), ...item })).min(1);

/** Maps each client id in [0, numClients) to the index of its group. */
export function assignGroups(shares: readonly number[], numClients: number, where: string): Uint16Array {
  const total = shares.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new ConfigError(`${where}: group shares must add up to more than 0`);
  const groupOf = new Uint16Array(numClients);
  let start = 0;
  let cumulative = 0;
  shares.forEach((share, group) => {
    cumulative += share;
    const end = group === shares.length - 1 ? numClients : Math.round((cumulative / total) * numClients);
    groupOf.fill(group, start, end);
    start = end;
  });
  return groupOf;
}
