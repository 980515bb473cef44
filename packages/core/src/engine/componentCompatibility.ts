import type { PartnerKind } from '../contracts/requirements.js';
import { ConfigError } from '../errors.js';
import type { RunComponents } from './components.js';

/** What a run asks of its components beyond their own options. */
export interface RunShape {
  /** Some client trains more than one adapter slot (one per task it holds). */
  taskSlots: boolean;
  /** Clients train slices of the global adapter (`adapter.clientRanks`). */
  slices: boolean;
}

const COMPONENT_KINDS = ['adapter', 'compressor', 'selector', 'aggregator', 'channel'] as const satisfies readonly PartnerKind[];

/**
 * Checks the agreements between a run's components before round 0: every pairing a component
 * requires ({@link ComponentRequirements}), and the aggregator's support for task slots and
 * adapter slices when the run needs them.
 * @throws ConfigError naming the component, what it needs and the fix.
 */
export function assertComponentsCompatible(components: RunComponents, shape: RunShape): void {
  for (const kind of COMPONENT_KINDS) {
    const component = components[kind];
    const partners = 'requires' in component ? component.requires?.partners : undefined;
    for (const [partnerKind, names] of Object.entries(partners ?? {}) as [PartnerKind, readonly string[]][]) {
      const chosen = components[partnerKind].name;
      if (names.includes(chosen)) continue;
      const reason = 'requires' in component && component.requires?.reason ? ` (${component.requires.reason})` : '';
      const allowed = names.map((name) => `"${name}"`).join(' or ');
      throw new ConfigError(
        `${kind} ${component.name} works only with ${partnerKind} ${allowed}${reason}, not with ${partnerKind} ${chosen}; ` +
          `set ${partnerKind} to ${allowed}, or choose another ${kind}.`,
      );
    }
  }
  const { aggregator } = components;
  if (shape.taskSlots && aggregator.supportsTaskSlots !== true) {
    throw new ConfigError(
      `aggregator ${aggregator.name} keeps one adapter slot per client, but clients here train one slot per task; ` +
        'set training.taskSlots to "shared", use single-task data, or choose an aggregator that supports task slots (fedavg, aquila, tac).',
    );
  }
  if (shape.slices && aggregator.supportsSlices !== true) {
    throw new ConfigError(
      `aggregator ${aggregator.name} does not average updates over the coordinates each client trains, which adapter.clientRanks needs; ` +
        'use fedavg or aquila, or remove adapter.clientRanks.',
    );
  }
}

/**
 * Where a run leaves what one of its components was shown to work under
 * (`ComponentAssumptions`): one warning each, naming the component, the condition, what the run
 * does and the evidence. Such a run is allowed, since nothing breaks; its results may not show what
 * the method promises. Today the one condition is participation, compared with the selector's
 * `participation` (no warning when the selector does not state one).
 */
export function componentAssumptionWarnings(components: RunComponents): string[] {
  const { selector } = components;
  const warnings: string[] = [];
  for (const kind of COMPONENT_KINDS) {
    const component = components[kind];
    const assumed = 'assumes' in component ? component.assumes?.minParticipation : undefined;
    if (assumed === undefined || selector.participation === undefined || selector.participation >= assumed.fraction) continue;
    warnings.push(
      `${kind} ${component.name} was shown to work with at least ${percent(assumed.fraction)} of clients taking part ` +
        `each round, but selector ${selector.name} samples ${percent(selector.participation)}: ${assumed.reason}. ` +
        'The run goes on; its results may not show what the method promises.',
    );
  }
  return warnings;
}

/** A share as a percentage, to at most one decimal: 0.15 → "15%". */
function percent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}
