import { ConfigError, type AggregationContext } from '@fedtune/core';

/**
 * Throws unless every client trains one adapter slot: these aggregators keep one update, one
 * distance row, per client, so several slots of one client would overwrite each other.
 */
export function requireSingleSlot({ received, missing }: AggregationContext, aggregator: string): void {
  if ([...received, ...missing].some((entry) => entry.slot !== 0)) {
    throw new ConfigError(
      `aggregator ${aggregator} keeps one adapter slot per client; use single-task data or training.taskSlots "shared"`,
    );
  }
}
