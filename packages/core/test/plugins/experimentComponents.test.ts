import { container as rootContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import {
  ADAPTER,
  AGGREGATOR,
  BACKEND,
  CHANNEL,
  COMPRESSOR,
  SELECTOR,
  type NamedFactory,
} from '../../src/contracts/tokens.js';
import { parseExperiment } from '../../src/experiment/load.js';
import { assertExperimentComponentsRegistered } from '../../src/plugins/experimentComponents.js';
import { registerNamed } from '../../src/plugins/registry.js';

/** A container with core's default names registered, as stubs: only names matter here. */
function containerWithDefaults() {
  const container = rootContainer.createChildContainer();
  const stub = (name: string) => ({ name, plugin: 'test', create: () => ({}) } as unknown as NamedFactory<never>);
  registerNamed(container, BACKEND, stub('reference'));
  registerNamed(container, ADAPTER, stub('lora'));
  registerNamed(container, COMPRESSOR, stub('none'));
  registerNamed(container, COMPRESSOR, stub('qsgd'));
  registerNamed(container, SELECTOR, stub('all'));
  registerNamed(container, AGGREGATOR, stub('fedavg'));
  registerNamed(container, CHANNEL, stub('reliable'));
  return container;
}

const base = { data: { numClients: 4 }, training: { rounds: 1 } };

describe('assertExperimentComponentsRegistered', () => {
  it('accepts an experiment whose components are all registered', () => {
    const experiment = parseExperiment({
      ...base,
      compressor: 'qsgd',
      compare: [{ label: 'fp32', compressor: 'none' }],
    });
    expect(() => assertExperimentComponentsRegistered(containerWithDefaults(), experiment)).not.toThrow();
  });

  it('names an unknown component of the main run', () => {
    const experiment = parseExperiment({ ...base, aggregator: 'trimmed-mean' });
    expect(() => assertExperimentComponentsRegistered(containerWithDefaults(), experiment)).toThrow(
      /^unknown aggregator "trimmed-mean"; registered: fedavg\./,
    );
  });

  it('names the comparison that uses an unknown component', () => {
    const experiment = parseExperiment({ ...base, compare: [{ label: 'aquila', selector: 'aquila' }] });
    expect(() => assertExperimentComponentsRegistered(containerWithDefaults(), experiment)).toThrow(
      /^compare entry "aquila": unknown selector "aquila"; registered: all\./,
    );
  });
});
