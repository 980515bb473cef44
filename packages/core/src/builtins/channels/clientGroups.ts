import { z } from 'zod';
import type { FactoryContext } from '../../contracts/tokens.js';
import { ConfigError } from '../../errors.js';
import { RandomStream, RandomStreams } from '../../random/counterRandom.js';

/**
 * Groups of clients by share of the federation, e.g. two halves with different link quality.
 * Shares are normalised; the last group absorbs rounding so every client has a group.
 */
export const clientGroupsSchema = <Item extends z.ZodRawShape>(item: Item) =>
  z.array(z.strictObject({ share: z.number().gt(0), ...item })).min(1);

/**
 * How clients are placed in their groups: `blocks` gives the first group the lowest ids, the next
 * group the next ids, and so on; `shuffled` does the same over a seeded random permutation of the
 * ids, so a group holds no particular ids.
 */
export const GROUP_ASSIGNMENTS = ['blocks', 'shuffled'] as const;
export type GroupAssignment = (typeof GROUP_ASSIGNMENTS)[number];

/** How {@link assignGroups} orders the ids before cutting them into groups. */
export type GroupPlacement = { assignment: 'blocks' } | { assignment: 'shuffled'; seed: number };

/**
 * The `groups` and `assignment` options of a channel whose clients fall into groups, each group
 * with the fields of `item` (its link parameters). `assignment` defaults to `blocks`.
 */
export const clientGroupOptions = <Item extends z.ZodRawShape>(item: Item) => ({
  groups: clientGroupsSchema(item).optional().describe('groups of clients by share, each with its own link parameters: [{ share, ... }]'),
  assignment: z
    .enum(GROUP_ASSIGNMENTS)
    .optional()
    .describe('blocks (default: the first group gets the lowest ids) or shuffled (over a seeded permutation of the ids)'),
});

/**
 * Maps each client id in [0, numClients) to the index of its group. Group g has the size of the
 * g-th block of ids by share, whatever the placement; under `shuffled` its members are the ids at
 * those positions of a permutation drawn from (seed, stream `linkGroups`), so a channel's link
 * quality does not follow the id order other parts of the federation use (`task-groups` gives
 * class groups in id blocks).
 */
export function assignGroups(
  shares: readonly number[],
  numClients: number,
  where: string,
  placement: GroupPlacement = { assignment: 'blocks' },
): Uint16Array {
  const total = shares.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new ConfigError(`${where}: group shares must add up to more than 0`);
  const ids = Array.from({ length: numClients }, (_, id) => id);
  const order =
    placement.assignment === 'shuffled'
      ? new RandomStream({ seed: placement.seed, round: 0, client: 0, stream: RandomStreams.linkGroups }).shuffle(ids)
      : ids;
  const groupOf = new Uint16Array(numClients);
  let start = 0;
  let cumulative = 0;
  shares.forEach((share, group) => {
    cumulative += share;
    const end = group === shares.length - 1 ? numClients : Math.round((cumulative / total) * numClients);
    for (let position = start; position < end; position++) groupOf[order[position] as number] = group;
    start = end;
  });
  return groupOf;
}

/**
 * Each client's group under a channel's parsed {@link clientGroupOptions}, or `undefined` when it
 * has no `groups`.
 *
 * @throws ConfigError when `assignment` is given without `groups`.
 */
export function groupOfClients(
  options: { groups?: readonly { share: number }[] | undefined; assignment?: GroupAssignment | undefined },
  context: FactoryContext,
  where: string,
): Uint16Array | undefined {
  const { groups, assignment } = options;
  if (!groups) {
    if (assignment !== undefined) {
      throw new ConfigError(`${where}: options.assignment places clients in options.groups; give groups, or remove assignment`);
    }
    return undefined;
  }
  const placement: GroupPlacement = assignment === 'shuffled' ? { assignment, seed: context.seed } : { assignment: 'blocks' };
  return assignGroups(groups.map((g) => g.share), context.numClients, where, placement);
}
